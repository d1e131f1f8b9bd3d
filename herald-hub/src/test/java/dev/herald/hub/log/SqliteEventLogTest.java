package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SQLite log adds to the contract ({@link SqliteEventLogContractTest}), on a real file:
 * durability across reopening, group commit, retention, the file's growth.
 */
class SqliteEventLogTest {
  @TempDir
  Path dir;
  private SqliteEventLog log;

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
  }

  private SqliteEventLog open(Retention retention) {
    log = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS, retention, new IdGenerator());
    return log;
  }

  private SqliteEventLog open() {
    return open(new Retention(0, 0, Duration.ZERO));
  }

  private static Update update(String id, String data) {
    return new Update(id, List.of("https://example.com/a", "urn:alt"), data, false, null, null);
  }

  @Test
  void entriesSurviveClosingAndReopening() {
    open();
    log.append(List.of(update("1", "a"), update("2", "b")));
    log.close();

    open();
    assertThat(log.lastSequence()).isEqualTo(2);
    assertThat(log.readAfter("1", 10).entries()).extracting(e -> e.update().data()).containsExactly("b");
    assertThat(log.append(List.of(update(null, "c"))).get(0).sequence()).isEqualTo(3);
  }

  @Test
  void aConflictInOneBatchDoesNotFailOthersCommittedWithIt() {
    open();
    log.append(List.of(update("taken", "x")));
    List<CompletableFuture<List<Entry>>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(log.appendAsync(List.of(i == 25 ? update("taken", "other") : update(null, "n" + i))));
    }
    long failed = futures.stream().filter(f -> {
      try {
        f.join();
        return false;
      } catch (RuntimeException e) {
        return true;
      }
    }).count();
    assertThat(failed).isEqualTo(1);
    assertThat(log.size()).isEqualTo(50);
  }

  @Test
  void countRetentionKeepsTheNewest() {
    open(new Retention(10, 0, Duration.ZERO));
    for (int i = 0; i < 30; i++) {
      log.append(List.of(update(null, "n" + i)));
    }
    log.trimNow();
    assertThat(log.size()).isEqualTo(10);
    assertThat(log.readAfter(EventLog.EARLIEST, 100).entries().get(0).sequence()).isEqualTo(21);
  }

  @Test
  void sizeRetentionDropsTheOldestUntilUnderTheBound() {
    open(new Retention(0, 10_000, Duration.ZERO));
    for (int i = 0; i < 50; i++) {
      log.append(List.of(update(null, "x".repeat(1000))));
    }
    log.trimNow();
    assertThat(log.size()).isBetween(8L, 10L);
    assertThat(log.lastSequence()).isEqualTo(50);
  }

  @Test
  void ageRetentionDropsOldEntries() throws Exception {
    open(new Retention(0, 0, Duration.ofMillis(200)));
    log.append(List.of(update("old", "x")));
    Thread.sleep(400);
    log.append(List.of(update("new", "y")));
    log.trimNow();
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).extracting(e -> e.update().id()).containsExactly("new");
  }

  @Test
  void cursorOlderThanRetentionIsReportedAsNotFound() {
    open(new Retention(5, 0, Duration.ZERO));
    log.append(List.of(update("gone", "x")));
    for (int i = 0; i < 10; i++) {
      log.append(List.of(update(null, "n" + i)));
    }
    log.trimNow();
    assertThat(log.readAfter("gone", 100).cursorFound()).isFalse();
  }

  @Test
  void theFileStopsGrowingOnceRetentionHolds() throws Exception {
    open(new Retention(500, 0, Duration.ZERO));
    String payload = "p".repeat(500);
    long sizeAfterFirstRounds = 0;
    for (int round = 0; round < 8; round++) {
      for (int i = 0; i < 500; i++) {
        log.append(List.of(update(null, payload)));
      }
      log.trimNow();
      if (round == 2) {
        sizeAfterFirstRounds = fileBytes();
      }
    }
    assertThat(fileBytes()).as("database + WAL after 4,000 appends vs after 1,500")
        .isLessThanOrEqualTo(sizeAfterFirstRounds * 2);
  }

  private long fileBytes() throws Exception {
    long total = 0;
    for (String name : new String[] {"events.db", "events.db-wal"}) {
      Path file = dir.resolve(name);
      if (Files.exists(file)) {
        total += Files.size(file);
      }
    }
    return total;
  }

  @Test
  void fsyncDurabilityWorksToo() {
    log = SqliteEventLog.open(dir.resolve("sync.db"), SqliteEventLog.Durability.FSYNC,
        Retention.DEFAULT, new IdGenerator());
    assertThat(log.append(List.of(update(null, "x")))).hasSize(1);
  }

  @Test
  void anUnusableFileIsAClearError() throws Exception {
    Path notADatabase = Files.writeString(dir.resolve("junk.db"), "this is not sqlite ".repeat(100));
    assertThatThrownBy(() -> SqliteEventLog.open(notADatabase, SqliteEventLog.Durability.OS, Retention.DEFAULT,
        new IdGenerator()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot open the event log");
  }
}
