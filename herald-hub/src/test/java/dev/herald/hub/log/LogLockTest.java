package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SQLite log per file: a second open is refused with "another hub holds this data directory",
 * and a directory that cannot be used says why. (Across processes: {@code ServeErrorsIT} in
 * herald-cli.)
 */
class LogLockTest {
  private static SqliteEventLog open(Path file) {
    return SqliteEventLog.open(file, SqliteEventLog.Durability.OS, Retention.DEFAULT, new IdGenerator());
  }

  @Test
  void secondLogOnTheSameFileIsRefusedAtOnceNamingTheDirectory(@TempDir Path dir) {
    Path file = dir.resolve("events.db");
    try (SqliteEventLog first = open(file)) {
      assertThatThrownBy(() -> open(file))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another hub holds this data directory: " + dir.toAbsolutePath());
    }
  }

  @Test
  void closingTheLogReleasesTheLock(@TempDir Path dir) {
    Path file = dir.resolve("events.db");
    open(file).close();

    try (SqliteEventLog again = open(file)) {
      assertThat(again.file()).isEqualTo(file);
    }
  }

  @Test
  void dataDirectoryThatIsAFileSaysNotADirectory(@TempDir Path dir) throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("data"), "");

    assertThatThrownBy(() -> open(notADirectory.resolve("events.db")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a directory")
        .hasMessageContaining(notADirectory.toString());
  }

  @Test
  void fileErrorsSayWhatHappenedNotOnlyThePath() {
    assertThat(LogLock.describe(new AccessDeniedException("/srv/herald"))).isEqualTo("/srv/herald: permission denied");
    assertThat(LogLock.describe(new FileAlreadyExistsException("/srv/herald"))).isEqualTo("/srv/herald: not a directory");
    assertThat(LogLock.describe(new FileSystemException("/srv/herald", null, "Read-only file system")))
        .isEqualTo("/srv/herald: read-only file system");
  }
}
