package dev.herald.source.postgresql;

import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Consumes an outbox table in {@code id} order on one connection: the node that holds the table's
 * session advisory lock selects the oldest rows, the runner stores them, and {@link #acknowledge}
 * deletes exactly those rows. Other nodes on the same table stand by and try the lock again every
 * {@code poll}; a node that dies loses its session, and with it the lock.
 *
 * <p>Why a lock rather than {@code FOR UPDATE SKIP LOCKED}: with SKIP LOCKED two nodes would take
 * neighbouring batches at once, and their appends to the hub's log would interleave in any order,
 * so subscribers would see row 501 before row 500. One consumer at a time keeps the log in the
 * table's order; one node's throughput (the log's group commit, a few thousand rows per batch
 * round trip) is far above what one outbox table takes.
 *
 * <p>The node waits on {@code LISTEN} (a statement-level trigger notifies on insert) and reads the
 * table again at least every {@code poll}, and always after connecting: notifications sent while it
 * was disconnected are lost. Deletes run with {@code synchronous_commit = off}: a delete lost in a
 * database crash only brings its rows again, which the log recognises by their ids.
 */
final class PostgresSource implements Source {
  private static final System.Logger LOG = System.getLogger(PostgresSource.class.getName());
  /** The longest one wait for a notification lasts, so that {@link #wakeup} takes effect soon. */
  private static final long SLICE_MILLIS = 100;

  private final OutboxConfig config;
  private final long pollNanos;
  private Connection connection;
  private PGConnection notifications;
  private PreparedStatement select;
  private PreparedStatement delete;
  private PreparedStatement tryLock;
  private PreparedStatement waiting;
  private boolean holdsLock;
  private boolean standbyLogged;
  private boolean dirty;
  private long lastSelect;
  private long nextLockAttempt;
  private volatile boolean woken;
  private volatile long lag = -1;
  private volatile boolean closed;

  PostgresSource(OutboxConfig config) {
    this.config = config;
    this.pollNanos = config.poll().toNanos();
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public void connect() throws SQLException {
    closeConnection();
    if (closed) {
      throw new SQLException("source closed");
    }
    Connection opened = new org.postgresql.Driver().connect(config.jdbcUrl(), config.properties());
    try {
      opened.setAutoCommit(true); // notifications reach an idle session only
      try (Statement statement = opened.createStatement()) {
        statement.execute("SET synchronous_commit = off");
      }
      if (config.create()) {
        OutboxSchema.create(opened, config);
      }
      String table = config.qualifiedTable();
      // max(id), for lag(), comes in the same round trip (an init plan: one index probe per select)
      select = opened.prepareStatement("SELECT id, topic, data, type, event_id, private, (SELECT max(id) FROM "
          + table + ") FROM " + table + " ORDER BY id LIMIT ?");
      delete = opened.prepareStatement("DELETE FROM " + table + " WHERE id = ANY(?)");
      tryLock = opened.prepareStatement("SELECT pg_try_advisory_lock(?)");
      waiting = opened.prepareStatement("SELECT coalesce(max(id) - min(id) + 1, 0) FROM " + table);
      notifications = opened.unwrap(PGConnection.class);
    } catch (SQLException | RuntimeException e) {
      close(opened);
      throw e;
    }
    connection = opened;
    holdsLock = false;
    dirty = true;
    nextLockAttempt = System.nanoTime();
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) throws SQLException, InterruptedException {
    if (connection == null) {
      throw new SQLException("not connected");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      if (woken) {
        woken = false;
        return SourceBatch.EMPTY;
      }
      long now = System.nanoTime();
      if (!holdsLock && now - nextLockAttempt >= 0) {
        acquire(now);
      }
      if (holdsLock && (dirty || now - lastSelect >= pollNanos)) {
        SourceBatch batch = select(maxMessages);
        if (!batch.isEmpty()) {
          return batch;
        }
        now = System.nanoTime();
      }
      if (now - deadline >= 0) {
        return SourceBatch.EMPTY;
      }
      long until = holdsLock ? lastSelect + pollNanos : nextLockAttempt;
      long millis = TimeUnit.NANOSECONDS.toMillis(Math.min(deadline, until) - now);
      millis = Math.max(1, Math.min(SLICE_MILLIS, millis));
      if (holdsLock) {
        PGNotification[] arrived = notifications.getNotifications((int) millis);
        if (arrived != null && arrived.length > 0) {
          dirty = true;
        }
      } else {
        Thread.sleep(millis);
      }
    }
  }

  /** Tries the table's lock; on success listens (before the first select, so no insert is missed). */
  private void acquire(long now) throws SQLException {
    nextLockAttempt = now + pollNanos;
    tryLock.setLong(1, config.lockKey());
    try (ResultSet result = tryLock.executeQuery()) {
      result.next();
      holdsLock = result.getBoolean(1);
    }
    if (holdsLock) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + OutboxConfig.quote(config.channel()));
      }
      dirty = true;
      standbyLogged = false;
      LOG.log(System.Logger.Level.INFO, "source=" + name() + " holds the outbox lock: consuming");
    } else {
      lag = single(waiting);
      if (!standbyLogged) {
        standbyLogged = true;
        LOG.log(System.Logger.Level.INFO, "source=" + name() + " another hub holds the outbox lock: standing by,"
            + " trying again every " + config.poll().toMillis() + " ms");
      }
    }
  }

  private SourceBatch select(int maxMessages) throws SQLException {
    List<Update> updates = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    long[] ids = new long[maxMessages];
    int count = 0;
    long max = 0;
    select.setInt(1, maxMessages);
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        OutboxRow row = new OutboxRow(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
            rows.getString(5), rows.getBoolean(6));
        ids[count++] = row.rowId();
        max = rows.getLong(7);
        try {
          updates.add(row.toUpdate());
        } catch (RefusedMessage e) {
          refused.add(e.getMessage());
        }
      }
    }
    lastSelect = System.nanoTime();
    dirty = count == maxMessages; // a full batch: more may wait
    if (count == 0) {
      lag = 0;
      return SourceBatch.EMPTY;
    }
    long last = ids[count - 1];
    lag = dirty ? Math.max(0, max - last) : 0;
    return new SourceBatch(updates, refused, java.util.Arrays.copyOf(ids, count));
  }

  private static long single(PreparedStatement query) throws SQLException {
    try (ResultSet result = query.executeQuery()) {
      return result.next() ? result.getLong(1) : 0;
    }
  }

  @Override
  public void acknowledge(SourceBatch batch) throws SQLException {
    if (!(batch.position() instanceof long[] ids) || ids.length == 0) {
      return;
    }
    Long[] boxed = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      boxed[i] = ids[i];
    }
    java.sql.Array array = connection.createArrayOf("int8", boxed);
    try {
      delete.setArray(1, array);
      delete.executeUpdate();
    } finally {
      array.free();
    }
  }

  /**
   * Rows waiting beyond those polled: on the consuming node {@code max(id)} minus the last row polled
   * (read with each batch; 0 when the batch did not fill: the table was drained); on a standing-by node the span of ids
   * in the table. Ids skipped by rolled-back inserts count too: an upper bound.
   */
  @Override
  public long lag() {
    return lag;
  }

  @Override
  public void wakeup() {
    woken = true;
  }

  private void closeConnection() {
    Connection previous = connection;
    connection = null;
    holdsLock = false;
    if (previous != null) {
      close(previous); // ends the session: the advisory lock goes with it
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // dropping it anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    closeConnection();
  }
}
