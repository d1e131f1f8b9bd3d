package dev.herald.hub.log;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Says why a write to the SQLite log failed in words an operator acts on: {@code disk full: ...} or
 * {@code read-only: ...} before what SQLite (or the file system) said, which is kept. SQLite's result
 * code names a full disk ({@code SQLITE_FULL}) and a file opened read-only ({@code SQLITE_READONLY});
 * a disk that turned read-only under open files comes out as a mere I/O error ({@code SQLITE_IOERR},
 * the errno is lost on the way through JDBC), so for I/O errors the file system of the log is asked.
 */
final class WriteProblem {
  static final String DISK_FULL = "disk full";
  static final String READ_ONLY = "read-only";
  /** Less usable space than this on an I/O error is taken for a full disk (SQLite writes pages of 4 KiB). */
  static final long NEARLY_FULL_BYTES = 64 * 1024;

  // Primary SQLite result codes (extended codes keep them in their low byte).
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_FULL = 13;

  /** What the file system holding the log says, read only when SQLite's code does not tell. */
  record Disk(boolean readOnly, long usableBytes) {
    /**
     * The file system of {@code dir}, and what it says to a small write there: a disk the kernel
     * turned read-only after an error may still be mounted {@code rw} (Linux 6.x shows
     * {@code emergency_ro}), so only a write tells. {@code null} when it cannot be asked.
     */
    static Disk of(Path dir) {
      try {
        FileStore store = Files.getFileStore(dir);
        boolean readOnly = store.isReadOnly();
        long usable = store.getUsableSpace();
        String refused = readOnly ? null : tryWriting(dir);
        if (refused != null) {
          String lower = refused.toLowerCase(Locale.ROOT);
          readOnly = lower.contains("read-only");
          usable = lower.contains("no space") ? 0 : usable;
        }
        return new Disk(readOnly, usable);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** Writes one byte to a new file in {@code dir} and deletes it; what the file system said, or null. */
    private static String tryWriting(Path dir) {
      Path probe = null;
      try {
        probe = Files.createTempFile(dir, ".herald-write-probe-", null);
        Files.write(probe, new byte[1]);
        return null;
      } catch (FileSystemException e) {
        return String.valueOf(e.getReason());
      } catch (IOException e) {
        return String.valueOf(e.getMessage());
      } finally {
        if (probe != null) {
          try {
            Files.deleteIfExists(probe);
          } catch (IOException ignored) {
            // a byte left behind; the next probe tries with another name
          }
        }
      }
    }
  }

  private WriteProblem() {}

  /** Describes {@code failure} of a write to the log in {@code dir}. */
  static String describe(Throwable failure, Path dir) {
    return describe(failure, () -> Disk.of(dir));
  }

  /** Describes {@code failure}; {@code disk} is asked only when the failure itself does not say. */
  static String describe(Throwable failure, Supplier<Disk> disk) {
    String said = message(failure);
    String cause = cause(failure, disk);
    return cause == null ? said : cause + ": " + said;
  }

  /** {@link #DISK_FULL}, {@link #READ_ONLY} or {@code null} when neither is the cause. */
  static String cause(Throwable failure, Supplier<Disk> disk) {
    boolean ioError = false;
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      int code = e instanceof SQLException sql ? sql.getErrorCode() & 0xff : -1;
      String text = e instanceof FileSystemException fs && fs.getReason() != null
          ? fs.getReason() : String.valueOf(e.getMessage());
      String lower = text.toLowerCase(Locale.ROOT);
      if (code == SQLITE_FULL || lower.contains("database or disk is full") || lower.contains("no space left")
          || lower.contains("enospc")) {
        return DISK_FULL;
      }
      if (code == SQLITE_READONLY || lower.contains("readonly database") || lower.contains("read-only file system")
          || lower.contains("erofs")) {
        return READ_ONLY;
      }
      ioError |= code == SQLITE_IOERR || lower.contains("disk i/o error") || e instanceof IOException;
    }
    if (!ioError) {
      return null;
    }
    Disk state = disk.get();
    if (state == null) {
      return null;
    }
    if (state.readOnly()) {
      return READ_ONLY;
    }
    return state.usableBytes() < NEARLY_FULL_BYTES ? DISK_FULL : null;
  }

  /** What the failure said: its class and message, as the log has always shown it. */
  private static String message(Throwable e) {
    String kind = e.getClass().getSimpleName();
    return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
  }
}
