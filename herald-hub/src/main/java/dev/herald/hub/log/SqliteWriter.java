package dev.herald.hub.log;
import dev.herald.log.Retention;
import dev.herald.log.IdGenerator;
import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;

import dev.herald.log.Update;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that writes a {@link SqliteEventLog}: it takes every append waiting, stores them in
 * one transaction (each batch inside its own savepoint, so one conflict does not fail the others),
 * commits once, then reports the new entries in sequence order and completes the futures. Between
 * batches, and at least every second, it enforces retention.
 */
final class SqliteWriter {
  private static final System.Logger LOG = System.getLogger(SqliteWriter.class.getName());
  private static final int MAX_GROUP = 512;
  private static final long TRIM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Request(List<Update> updates, CompletableFuture<List<Entry>> result) {}

  private final Connection connection;
  private final Retention retention;
  private final IdGenerator ids;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile Consumer<List<Entry>> listener = entries -> { };
  private volatile EventLog.CommitListener commitListener = (updates, nanos) -> { };
  private volatile boolean lastWriteFailed;
  private volatile long storedEvents;
  private volatile long lastSequence;
  private volatile boolean closed;
  private volatile long storedBytes; // written by this thread only, read by stats()
  private PreparedStatement insert;
  private PreparedStatement byId;
  private long lastTrimNanos = System.nanoTime();
  private static final Object STOP = new Object();

  /** A request to trim now, answered with the number of entries removed. */
  private record Trim(CompletableFuture<Long> result) {}

  SqliteWriter(Connection connection, Retention retention, IdGenerator ids) throws SQLException {
    this.connection = connection;
    this.retention = retention;
    this.ids = ids;
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT COALESCE(MAX(seq), 0), COALESCE(SUM(size), 0), COUNT(*) FROM events")) {
      row.next();
      lastSequence = row.getLong(1);
      storedBytes = row.getLong(2);
      storedEvents = row.getLong(3);
    }
    connection.commit();
    thread = new Thread(this::run, "herald-log-writer");
    thread.setDaemon(true);
    thread.start();
  }

  void onAppend(Consumer<List<Entry>> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  void onCommit(EventLog.CommitListener listener) {
    this.commitListener = Objects.requireNonNull(listener, "listener");
  }

  /** Entries stored now (kept up to date by this thread: no query). */
  long storedEvents() {
    return storedEvents;
  }

  /** Bytes of update content stored now. */
  long storedBytes() {
    return storedBytes;
  }

  /** Whether the log has been closed. */
  boolean closed() {
    return closed;
  }

  /** Whether the last group commit failed (cleared by the next that succeeds). */
  boolean lastWriteFailed() {
    return lastWriteFailed;
  }

  long lastSequence() {
    return lastSequence;
  }

  CompletableFuture<List<Entry>> append(List<Update> updates) {
    CompletableFuture<List<Entry>> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("the event log is closed"));
      return result;
    }
    queue.add(new Request(List.copyOf(updates), result));
    return result;
  }

  long trimNow() {
    CompletableFuture<Long> result = new CompletableFuture<>();
    queue.add(new Trim(result));
    return result.join();
  }

  void close() {
    closed = true;
    queue.add(STOP);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      if (insert != null) {
        insert.close();
        byId.close();
      }
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the event log failed", e);
    }
  }

  private void run() {
    List<Object> work = new ArrayList<>();
    while (true) {
      try {
        Object first = queue.poll(TRIM_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
        if (first != null) {
          work.add(first);
          queue.drainTo(work, MAX_GROUP - 1);
        }
        List<Request> appends = new ArrayList<>();
        boolean stop = false;
        for (Object item : work) {
          if (item == STOP) {
            stop = true;
          } else if (item instanceof Request request) {
            appends.add(request);
          } else if (item instanceof Trim trim) {
            commitGroup(appends);
            appends.clear();
            trim.result().complete(trim());
          }
        }
        work.clear();
        commitGroup(appends);
        if (stop) {
          failPending();
          return;
        }
        if (System.nanoTime() - lastTrimNanos >= TRIM_INTERVAL_NANOS) {
          trim();
        }
      } catch (InterruptedException e) {
        failPending();
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "event log writer error", e);
      }
    }
  }

  private void failPending() {
    for (Object item : queue) {
      if (item instanceof Request request) {
        request.result().completeExceptionally(new IllegalStateException("the event log is closed"));
      }
    }
  }

  /** Stores every request of the group in one transaction; then reports and completes them in order. */
  private void commitGroup(List<Request> group) {
    if (group.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    long sequence = lastSequence;
    long bytes = storedBytes;
    List<List<Entry>> results = new ArrayList<>(group.size());
    List<List<Entry>> fresh = new ArrayList<>(group.size());
    List<RuntimeException> failures = new ArrayList<>(group.size());
    try {
      if (insert == null) {
        insert = connection.prepareStatement(
            "INSERT INTO events (seq, id, topics, data, private, type, retry, created_at, size) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        byId = connection.prepareStatement(
            "SELECT seq, id, topics, data, private, type, retry FROM events WHERE id = ?");
      }
      long now = System.currentTimeMillis();
      for (Request request : group) {
        // Only a publisher-chosen id can conflict; batches without one need no savepoint.
        boolean mayConflict = request.updates().stream().anyMatch(update -> update.id() != null);
        var savepoint = mayConflict ? connection.setSavepoint() : null;
        try {
          List<Entry> entries = new ArrayList<>();
          List<Entry> added = new ArrayList<>();
          DuplicateIdException.requireConsistentBatch(request.updates());
          long next = sequence;
          long addedBytes = 0;
          for (Update update : request.updates()) {
            if (update.id() != null) {
              Entry stored = find(byId, update.id());
              if (stored != null) {
                DuplicateIdException.requireSameContent(stored.update(), update);
                entries.add(stored);
                continue;
              }
            }
            Update withId = update.id() == null ? update.withId(ids.next()) : update;
            Entry entry = new Entry(++next, withId);
            EntryRows.bind(insert, entry.sequence(), withId, now);
            insert.executeUpdate();
            addedBytes += EntryRows.size(withId);
            entries.add(entry);
            added.add(entry);
          }
          if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
          }
          sequence = next;
          bytes += addedBytes;
          results.add(entries);
          fresh.add(added);
          failures.add(null);
        } catch (DuplicateIdException conflict) {
          connection.rollback(savepoint);
          results.add(null);
          fresh.add(List.of());
          failures.add(conflict);
        }
      }
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      lastWriteFailed = true;
      LOG.log(System.Logger.Level.ERROR, "storing " + group.size() + " append(s) failed: " + e.getMessage());
      IllegalStateException failure = new IllegalStateException("storing updates failed: " + e.getMessage(), e);
      group.forEach(request -> request.result().completeExceptionally(failure));
      return;
    }
    storedEvents += sequence - lastSequence;
    lastSequence = sequence;
    storedBytes = bytes;
    lastWriteFailed = false;
    int updates = 0;
    for (Request request : group) {
      updates += request.updates().size();
    }
    try {
      commitListener.committed(updates, System.nanoTime() - started);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "commit listener failed", e);
    }
    for (int i = 0; i < group.size(); i++) {
      if (!fresh.get(i).isEmpty()) {
        try {
          listener.accept(fresh.get(i));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "event log listener failed", e);
        }
      }
      if (failures.get(i) != null) {
        group.get(i).result().completeExceptionally(failures.get(i));
      } else {
        group.get(i).result().complete(results.get(i));
      }
    }
  }

  private static Entry find(PreparedStatement byId, String id) throws SQLException {
    byId.setString(1, id);
    try (ResultSet row = byId.executeQuery()) {
      return row.next() ? EntryRows.read(row) : null;
    }
  }

  /** Deletes what retention no longer covers, oldest first; returns how many entries went. */
  private long trim() {
    lastTrimNanos = System.nanoTime();
    long removed = 0;
    try {
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
        try (Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM events")) {
          row.next();
          storedBytes = row.getLong(1);
          storedEvents = row.getLong(2);
        }
        connection.commit();
        try (Statement statement = connection.createStatement()) {
          statement.execute("PRAGMA incremental_vacuum");
        }
        connection.commit();
      }
    } catch (SQLException e) {
      rollbackQuietly();
      LOG.log(System.Logger.Level.WARNING, "retention pass failed", e);
    }
    return removed;
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

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the next transaction will say so
    }
  }
}
