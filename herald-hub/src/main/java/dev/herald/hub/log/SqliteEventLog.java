package dev.herald.hub.log;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogStats;
import dev.herald.log.PageBuilder;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The embedded durable event log: one SQLite file in WAL mode, the {@code INTEGER PRIMARY KEY} as
 * the sequence, a unique index on the event id. One writer thread batches concurrent appends into one
 * transaction (group commit); readers use their own connections and never block the writer.
 * {@link Durability#FSYNC}: an acknowledged update is on disk; {@link Durability#OS}: it survives a
 * crash of the process (not of the machine). Retention is enforced in the background by the writer.
 */
public final class SqliteEventLog implements EventLog {
  /** What an acknowledged append survives. */
  public enum Durability {
    /** Synced to disk before the acknowledgement: survives power loss. */
    FSYNC,
    /** Written to the operating system before the acknowledgement: survives a process crash. */
    OS
  }

  private static final int READERS = 2;
  private static final String COLUMNS = "seq, id, topics, data, private, type, retry";

  private final Path file;
  private final SqliteWriter writer;
  private final Retention retention;
  private final LogLock lock;
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private volatile Runnable beforeReading = () -> { };

  private SqliteEventLog(Path file, SqliteWriter writer, Retention retention, LogLock lock) {
    this.file = file;
    this.writer = writer;
    this.retention = retention;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the log in {@code file}, holding an exclusive lock on
   * {@code <file>.lock} until {@link #close()}: one log per file, across processes.
   *
   * @throws IllegalStateException if the file cannot be opened as a Herald event log, saying why
   *     (another hub holds it, permission denied, not a directory...)
   */
  public static SqliteEventLog open(Path file, Durability durability, Retention retention, IdGenerator ids) {
    LogLock lock = LogLock.acquire(file);
    try {
      SqliteStore.Opener writing = () -> connectWriting(file, durability);
      Connection connection = writing.open();
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA auto_vacuum = INCREMENTAL"); // takes effect only on a new file
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("CREATE TABLE IF NOT EXISTS events ("
            + "seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, topics TEXT NOT NULL, data TEXT NOT NULL, "
            + "private INTEGER NOT NULL, type TEXT, retry INTEGER, created_at INTEGER NOT NULL, "
            + "size INTEGER NOT NULL)");
        statement.execute("CREATE INDEX IF NOT EXISTS events_created_at ON events (created_at)");
      }
      SqliteEventLog log = new SqliteEventLog(file, 
          new SqliteWriter(connection, writing, file, retention, ids), retention, lock);
      for (int i = 0; i < READERS; i++) {
        Connection reader = connect(file);
        try (Statement statement = reader.createStatement()) {
          statement.execute("PRAGMA query_only = ON");
        }
        log.readers.add(reader);
      }
      return log;
    } catch (SQLException | RuntimeException e) {
      lock.close();
      throw new IllegalStateException("cannot open the event log " + file + ": " + e.getMessage(), e);
    }
  }

  /** A connection for the writer: the file's settings are made once, this one's every time. */
  private static Connection connectWriting(Path file, Durability durability) throws SQLException {
    Connection connection = connect(file);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA synchronous = " + (durability == Durability.FSYNC ? "FULL" : "NORMAL"));
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  private static Connection connect(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 5000");
    }
    return connection;
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    return writer.append(updates);
  }

  @Override
  public void onAppend(Consumer<List<Entry>> listener) {
    writer.onAppend(listener);
  }

  @Override
  public Replay readAfter(String lastEventId, int limit, long maxBytes) {
    long upTo = writer.lastSequence(); // first: every entry up to it is committed and visible
    return withReader(connection -> {
      long after = 0;
      boolean found = EARLIEST.equals(lastEventId);
      if (!found) {
        try (PreparedStatement query = connection.prepareStatement("SELECT seq FROM events WHERE id = ?")) {
          query.setString(1, lastEventId);
          try (ResultSet row = query.executeQuery()) {
            if (row.next()) {
              after = row.getLong(1);
              found = true;
            }
          }
        }
      }
      return new Replay(found, select(connection, after, limit, maxBytes), upTo);
    });
  }

  @Override
  public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    return withReader(connection -> select(connection, sequence, limit, maxBytes));
  }

  @Override
  public long lastSequence() {
    return writer.lastSequence();
  }

  /** Entries currently stored (for tests and metrics). */
  public long size() {
    return withReader(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM events")) {
        return row.next() ? row.getLong(1) : 0L;
      }
    });
  }

  /** Enforces retention now instead of waiting for the background pass; returns entries removed. */
  public long trimNow() {
    return writer.trimNow();
  }

  /** {@link #trimNow()} without waiting, for tests of what is queued. */
  CompletableFuture<Long> trimAsync() {
    return writer.trim();
  }

  @Override
  public LogStats stats() {
    String[] ends = new String[2];
    long[] earliestMillis = {-1};
    String unreadable = null;
    try {
      withReader(connection -> {
        try (Statement statement = connection.createStatement()) {
          try (ResultSet row = statement.executeQuery("SELECT id, created_at FROM events ORDER BY seq LIMIT 1")) {
            if (row.next()) {
              ends[0] = row.getString(1);
              earliestMillis[0] = row.getLong(2);
            }
          }
          try (ResultSet row = statement.executeQuery("SELECT id FROM events ORDER BY seq DESC LIMIT 1")) {
            if (row.next()) {
              ends[1] = row.getString(1);
            }
          }
        }
        return null;
      });
    } catch (IllegalStateException e) {
      unreadable = e.getMessage();
    }
    String writing = writer.problem();
    String problem = writing != null ? writing : unreadable;
    return new LogStats("sqlite", writer.storedEvents(), writer.storedBytes(), fileBytes(), ends[0], ends[1],
        earliestMillis[0] < 0 ? null : java.time.Instant.ofEpochMilli(earliestMillis[0]), retention,
        problem == null, problem);
  }

  private Long fileBytes() {
    long total = 0;
    for (String suffix : new String[] {"", "-wal"}) {
      try {
        total += Files.size(Path.of(file + suffix));
      } catch (java.io.IOException missing) {
        // no write-ahead log right after a checkpoint
      }
    }
    return total;
  }

  @Override
  public void onCommit(CommitListener listener) {
    writer.onCommit(listener);
  }

  @Override
  public void close() {
    writer.close();
    for (Connection reader : readers) {
      try {
        reader.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    lock.close(); // last: the next hub may open the file once every connection is closed
  }

  private static List<Entry> select(Connection connection, long after, int limit, long maxBytes)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
      query.setLong(1, after);
      query.setInt(2, limit);
      try (ResultSet rows = query.executeQuery()) {
        PageBuilder page = new PageBuilder(limit, maxBytes);
        while (rows.next() && page.offer(EntryRows.read(rows))) {
          // rows are read one at a time: a page of large updates stops at its byte bound
        }
        return page.entries();
      }
    }
  }

  private interface Read<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code read} on a reader connection. Any failure, an {@link Error} included, comes out as an
   * {@link IllegalStateException}: the caller (a replay) answers 503 instead of leaving a subscriber
   * waiting for a task that died.
   */
  private <T> T withReader(Read<T> read) {
    Connection connection;
    try {
      connection = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a log reader", e);
    }
    try {
      beforeReading.run();
      return read.apply(connection);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      String kind = e instanceof SQLException ? "" : e.getClass().getSimpleName() + ": ";
      throw new IllegalStateException("reading the event log failed: " + kind + e.getMessage(), e);
    } finally {
      readers.add(connection);
    }
  }

  /**
   * For tests of failures that cannot be provoked for real (an {@link OutOfMemoryError}): runs before
   * each read, on the reading thread; what it throws fails the read as a storage failure would.
   */
  void beforeReading(Runnable hook) {
    this.beforeReading = Objects.requireNonNull(hook, "hook");
  }

  /** For tests: runs on the writer thread before each group of appends is stored (see SqliteWriter). */
  void beforeStoring(Runnable hook) {
    writer.beforeStoring(hook);
  }
}
