package dev.herald.hub.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The exclusive lock a {@link SqliteEventLog} holds on {@code <database>.lock} while it is open, so
 * that a second hub on the same data directory is refused at once with a clear reason instead of
 * meeting SQLite's {@code database is locked} after its busy timeout (and two hubs never assign
 * sequences in one file). The operating system drops the lock when the process dies, so a crashed
 * hub leaves no stale lock; the empty file itself may stay.
 */
final class LogLock implements AutoCloseable {
  private final FileChannel channel;

  private LogLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Creates the database's directory if needed and takes the lock.
   *
   * @throws IllegalStateException saying why: another hub holds it, or the directory cannot be used
   */
  static LogLock acquire(Path database) {
    Path file = database.toAbsolutePath();
    Path directory = file.getParent();
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      String reason = describe(e);
      if (reason.startsWith(directory + ": ")) { // the directory itself: say its path once
        reason = reason.substring(directory.toString().length() + 2);
      }
      throw new IllegalStateException("cannot use the data directory " + directory + ": " + reason, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another log in this very process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot lock " + lockFile + ": " + describe(e), e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new IllegalStateException("another hub holds this data directory: " + directory
          + " (" + lockFile.getFileName() + " is locked by a running process)");
    }
    return new LogLock(channel);
  }

  /** Releases the lock (closing the channel does). */
  @Override
  public void close() {
    closeQuietly(channel);
  }

  /**
   * What went wrong with a file, in words: {@code AccessDeniedException}'s message is only the path,
   * which does not say that permission was denied.
   */
  static String describe(IOException e) {
    String reason;
    if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
      reason = "not a directory"; // createDirectories met a file where a directory should be
    } else if (e instanceof NoSuchFileException) {
      reason = "no such file or directory";
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      reason = fs.getReason().toLowerCase(Locale.ROOT);
    } else {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    String file = e instanceof FileSystemException fs ? fs.getFile() : null;
    return file != null ? file + ": " + reason : reason;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
