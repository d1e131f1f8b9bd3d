package dev.herald.hub.log;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Faults in a {@link SqliteEventLog}, for tests in any package. Real ones where SQLite can produce
 * them (another connection to the same file changes what the log's own statements meet), injected
 * ones for errors a test cannot provoke for real (an {@link OutOfMemoryError} on the writer thread).
 */
public final class SqliteFaults {
  private SqliteFaults() {}

  /** A fault in place until closed. */
  public interface Fault extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Every insert into the log's file fails (a trigger raises an error with {@code message}) until
   * the fault is closed: what a publish meets on a store that refuses writes.
   */
  public static Fault refuseWrites(Path file, String message) {
    execute(file, "CREATE TRIGGER herald_test_refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, '"
        + message.replace("'", "''") + "'); END");
    return () -> execute(file, "DROP TRIGGER herald_test_refuse");
  }

  /** Every read of the log's file fails (its table is renamed away) until the fault is closed. */
  public static Fault refuseReads(Path file) {
    execute(file, "ALTER TABLE events RENAME TO herald_test_hidden");
    return () -> execute(file, "ALTER TABLE herald_test_hidden RENAME TO events");
  }

  /**
   * Every group of appends the writer stores, and every probe of writability, throws {@code error}
   * until the fault is closed.
   */
  public static Fault failWrites(SqliteEventLog log, Error error) {
    log.beforeStoring(() -> {
      throw error;
    });
    return () -> log.beforeStoring(() -> { });
  }

  /** Every read throws {@code error} until the fault is closed. */
  public static Fault failReads(SqliteEventLog log, Error error) {
    log.beforeReading(() -> {
      throw error;
    });
    return () -> log.beforeReading(() -> { });
  }

  private static void execute(Path file, String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 5000");
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot change " + file + ": " + e.getMessage(), e);
    }
  }
}
