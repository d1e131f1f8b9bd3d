package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystemException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A failed write to the SQLite log is described with the cause an operator acts on first ("disk full",
 * "read-only") and what SQLite said after it; the file system is asked only for I/O errors, which is
 * how SQLite reports a disk that turned read-only under its open files.
 */
class WriteProblemTest {
  private static final Supplier<WriteProblem.Disk> NOT_ASKED = () -> {
    throw new AssertionError("the disk was asked although the failure says what is wrong");
  };
  private static final Supplier<WriteProblem.Disk> ROOMY = () -> new WriteProblem.Disk(false, 1L << 30);

  private static SQLiteException sqlite(SQLiteErrorCode code, String message) {
    return new SQLiteException("[" + code.name() + "] " + message, code);
  }

  @Test
  void sqliteFullIsADiskFullAndKeepsWhatSqliteSaid() {
    SQLiteException full = sqlite(SQLiteErrorCode.SQLITE_FULL,
        "Insertion failed because database is full (database or disk is full)");

    assertThat(WriteProblem.describe(full, NOT_ASKED)).isEqualTo("disk full: SQLiteException: [SQLITE_FULL] "
        + "Insertion failed because database is full (database or disk is full)");
  }

  @Test
  void sqliteReadonlyAndItsExtendedCodesAreReadOnly() {
    assertThat(WriteProblem.describe(sqlite(SQLiteErrorCode.SQLITE_READONLY,
        "attempt to write a readonly database"), NOT_ASKED)).startsWith("read-only: SQLiteException: [SQLITE_READONLY]");
    assertThat(WriteProblem.cause(sqlite(SQLiteErrorCode.SQLITE_READONLY_DBMOVED, "moved"), NOT_ASKED))
        .isEqualTo(WriteProblem.READ_ONLY);
  }

  @Test
  void theCauseIsFoundUnderTheExceptionsThatWrapIt() {
    IllegalStateException wrapped = new IllegalStateException("storing failed",
        sqlite(SQLiteErrorCode.SQLITE_FULL, "database or disk is full"));

    assertThat(WriteProblem.cause(wrapped, NOT_ASKED)).isEqualTo(WriteProblem.DISK_FULL);
  }

  @Test
  void theFileSystemsOwnWordsForNoSpaceAndReadOnlyAreUnderstood() {
    assertThat(WriteProblem.cause(new FileSystemException("/data/events.db", null, "No space left on device"),
        NOT_ASKED)).isEqualTo(WriteProblem.DISK_FULL);
    assertThat(WriteProblem.cause(new FileSystemException("/data/events.db", null, "Read-only file system"),
        NOT_ASKED)).isEqualTo(WriteProblem.READ_ONLY);
  }

  @Test
  void anIoErrorOnADiskMountedReadOnlyIsReadOnly() {
    SQLiteException io = sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE, "I/O error within the xWrite method of a VFS");

    assertThat(WriteProblem.describe(io, () -> new WriteProblem.Disk(true, 1L << 30)))
        .isEqualTo("read-only: SQLiteException: [SQLITE_IOERR_WRITE] I/O error within the xWrite method of a VFS");
  }

  @Test
  void anIoErrorOnADiskWithNoRoomLeftIsADiskFull() {
    SQLiteException io = sqlite(SQLiteErrorCode.SQLITE_IOERR_FSYNC, "I/O error within the xSync method of a VFS");

    assertThat(WriteProblem.cause(io, () -> new WriteProblem.Disk(false, 0))).isEqualTo(WriteProblem.DISK_FULL);
    assertThat(WriteProblem.cause(io, () -> new WriteProblem.Disk(false, WriteProblem.NEARLY_FULL_BYTES)))
        .isNull();
  }

  @Test
  void anIoErrorOnAHealthyDiskOrOneThatCannotBeAskedIsDescribedAsSqliteSaidIt() {
    SQLiteException io = sqlite(SQLiteErrorCode.SQLITE_IOERR, "disk I/O error");

    assertThat(WriteProblem.describe(io, ROOMY)).isEqualTo("SQLiteException: [SQLITE_IOERR] disk I/O error");
    assertThat(WriteProblem.describe(io, () -> null)).isEqualTo("SQLiteException: [SQLITE_IOERR] disk I/O error");
  }

  @Test
  void otherFailuresAreDescribedAsBeforeWithoutAskingTheDisk() {
    SQLiteException constraint = sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT, "the disk says no");

    assertThat(WriteProblem.describe(constraint, NOT_ASKED))
        .isEqualTo("SQLiteException: [SQLITE_CONSTRAINT] the disk says no");
    assertThat(WriteProblem.describe(new OutOfMemoryError(), NOT_ASKED)).isEqualTo("OutOfMemoryError");
  }
}
