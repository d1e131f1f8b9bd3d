package dev.herald.hub.log;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes of a {@link SqliteEventLog} on its one writing connection: a group of batches in one
 * transaction, retention, a probe of writability. Used by the writer thread alone; the counters it
 * keeps (newest sequence, entries and bytes stored) are read by other threads. Its counters change
 * only once a transaction has committed; after any failure they are read again from the file
 * before the next write, so that a failure at any point (an {@link Error} included) cannot leave
 * them out of step with what is stored.
 *
 * <p>After a failed transaction the connection is replaced before the next write. SQLite ends some
 * transactions itself when a write fails ({@code SQLITE_FULL}, I/O errors); the JDBC driver then
 * fails its own {@code ROLLBACK} and never begins the next transaction, so that every later commit
 * fails ("cannot commit - no transaction is active") even once the disk has room again. A new
 * connection has none of that state, nor any statement left half-run.
 */
final class SqliteStore implements AutoCloseable {
  private static final String INSERT = "INSERT INTO events "
      + "(seq, id, topics, data, private, type, retry, created_at, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String BY_ID = "SELECT seq, id, topics, data, private, type, retry FROM events WHERE id = ?";
  /** A probe row is never committed: its id cannot be published (ids must not start with '#'). */
  private static final String PROBE_ID = "#herald-probe";

  /** What storing one batch came to: its entries and the new ones among them, or its conflict. */
  record Stored(List<Entry> entries, List<Entry> fresh, DuplicateIdException conflict) {}

  /** Opens a writing connection to the log's file, set up as the first one was. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;
  private Connection connection;
  private final Retention retention;
  private final IdGenerator ids;
  private PreparedStatement insert;
  private PreparedStatement byId;
  private boolean stale = true; // counters to be read from the file before the next write
  private boolean broken; // a transaction failed: the connection is replaced before the next write
  private volatile long lastSequence;
  private volatile long storedEvents;
  private volatile long storedBytes;

  SqliteStore(Connection connection, Opener opener, Retention retention, IdGenerator ids) throws SQLException {
    this.connection = connection;
    this.opener = opener;
    this.retention = retention;
    this.ids = ids;
    connection.setAutoCommit(false);
    resync();
  }

  long lastSequence() {
    return lastSequence;
  }

  long storedEvents() {
    return storedEvents;
  }

  long storedBytes() {
    return storedBytes;
  }

  /**
   * Stores every batch in one transaction, each in its own savepoint when it may conflict (so that
   * one conflict fails only its batch), and commits once.
   *
   * @throws SQLException (or anything else) when the transaction failed: it is rolled back, nothing
   *     of the group is stored
   */
  List<Stored> store(List<List<Update>> batches) throws SQLException {
    try {
      prepare();
      long sequence = lastSequence;
      long bytes = 0;
      long now = System.currentTimeMillis();
      List<Stored> results = new ArrayList<>(batches.size());
      for (List<Update> batch : batches) {
        // Only a publisher-chosen id can conflict; batches without one need no savepoint.
        boolean mayConflict = batch.stream().anyMatch(update -> update.id() != null);
        Savepoint savepoint = mayConflict ? connection.setSavepoint() : null;
        try {
          DuplicateIdException.requireConsistentBatch(batch);
          List<Entry> entries = new ArrayList<>(batch.size());
          List<Entry> fresh = new ArrayList<>(batch.size());
          long next = sequence;
          long addedBytes = 0;
          for (Update update : batch) {
            Entry stored = update.id() == null ? null : find(update.id());
            if (stored != null) {
              DuplicateIdException.requireSameContent(stored.update(), update);
              entries.add(stored);
              continue;
            }
            Entry entry = new Entry(++next, update.id() == null ? update.withId(ids.next()) : update);
            EntryRows.bind(insert, entry.sequence(), entry.update(), now);
            insert.executeUpdate();
            addedBytes += EntryRows.size(entry.update());
            entries.add(entry);
            fresh.add(entry);
          }
          if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
          }
          sequence = next;
          bytes += addedBytes;
          results.add(new Stored(entries, fresh, null));
        } catch (DuplicateIdException conflict) {
          connection.rollback(savepoint);
          results.add(new Stored(null, List.of(), conflict));
        }
      }
      connection.commit();
      storedEvents += sequence - lastSequence;
      storedBytes += bytes;
      lastSequence = sequence;
      return results;
    } catch (Throwable failure) {
      rollbackAfter(failure);
      throw failure;
    }
  }

  private Entry find(String id) throws SQLException {
    byId.setString(1, id);
    try (ResultSet row = byId.executeQuery()) {
      return row.next() ? EntryRows.read(row) : null;
    }
  }

  /**
   * Writes as an append would, and commits nothing of it: a probe row into {@code events} (the same
   * locks, constraints and triggers as an append), rolled back, then a one-page write of the file's
   * header (the same disk as a commit).
   */
  void probe() throws SQLException {
    try {
      prepare();
      Savepoint savepoint = connection.setSavepoint();
      EntryRows.bind(insert, lastSequence + 1, new Update(PROBE_ID, List.of("probe"), "", false, null, null),
          System.currentTimeMillis());
      insert.executeUpdate();
      connection.rollback(savepoint);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA user_version = 1");
      }
      connection.commit();
    } catch (Throwable failure) {
      rollbackAfter(failure);
      throw failure;
    }
  }

  private void prepare() throws SQLException {
    if (broken) {
      reconnect();
    }
    if (stale) {
      resync();
    }
    if (insert == null) {
      insert = connection.prepareStatement(INSERT);
      byId = connection.prepareStatement(BY_ID);
    }
  }

  /** Deletes what retention no longer covers, oldest first; returns how many entries went. */
  long trim() throws SQLException {
    try {
      prepare();
      long removed = 0;
      if (retention.maxEvents() > 0) {
        removed += delete("DELETE FROM events WHERE seq <= ?", lastSequence - retention.maxEvents());
      }
      if (!retention.maxAge().isZero()) {
        removed += delete("DELETE FROM events WHERE created_at < ?",
            System.currentTimeMillis() - retention.maxAge().toMillis());
      }
      if (retention.maxBytes() > 0 && storedBytes > retention.maxBytes()) {
        removed += trimBytes();
      }
      if (removed > 0) {
        connection.commit();
        resync();
        try (Statement statement = connection.createStatement()) {
          statement.execute("PRAGMA incremental_vacuum");
        }
        connection.commit();
      }
      return removed;
    } catch (Throwable failure) {
      rollbackAfter(failure);
      throw failure;
    }
  }

  private long trimBytes() throws SQLException {
    long excess = storedBytes - retention.maxBytes();
    long cut = 0;
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT seq, size FROM events ORDER BY seq")) {
      while (excess > 0 && rows.next()) {
        cut = rows.getLong(1);
        excess -= rows.getLong(2);
      }
    }
    return cut == 0 ? 0 : delete("DELETE FROM events WHERE seq <= ?", cut);
  }

  private long delete(String sql, long bound) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setLong(1, bound);
      return delete.executeUpdate();
    }
  }

  /** Reads the counters from the file (they are cheap to keep, dear to count: a full scan). */
  private void resync() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT COALESCE(MAX(seq), 0), COALESCE(SUM(size), 0), COUNT(*) FROM events")) {
      row.next();
      // The newest sequence never goes back, even when retention emptied the table.
      lastSequence = Math.max(lastSequence, row.getLong(1));
      storedBytes = row.getLong(2);
      storedEvents = row.getLong(3);
    }
    connection.commit();
    stale = false;
  }

  private void rollbackAfter(Throwable failure) {
    stale = true;
    broken = true;
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e); // SQLite may have rolled back itself; the connection is replaced anyway
    }
  }

  /** Closes the connection (what it says is of no use now) and opens another in its place. */
  private void reconnect() throws SQLException {
    closeQuietly(insert);
    closeQuietly(byId);
    closeQuietly(connection);
    insert = null;
    byId = null;
    Connection fresh = opener.open(); // when this fails, the next write tries again
    fresh.setAutoCommit(false);
    connection = fresh;
    broken = false;
  }

  private static void closeQuietly(AutoCloseable closing) {
    try {
      if (closing != null) {
        closing.close();
      }
    } catch (Exception ignored) {
      // what failed is being replaced; closing it can fail too
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      if (insert != null) {
        insert.close();
        byId.close();
      }
    } finally {
      connection.close();
    }
  }
}
