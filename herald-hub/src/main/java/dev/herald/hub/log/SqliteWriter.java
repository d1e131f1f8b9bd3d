package dev.herald.hub.log;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that writes a {@link SqliteEventLog}. It takes every command waiting: consecutive
 * appends become one transaction ({@link SqliteStore#store}, group commit), then it reports the new
 * entries in sequence order and completes the futures. Between commands, and at least every second,
 * it enforces retention; while writes fail, it probes the file every second, so that the log turns
 * writable again without waiting for a publish.
 *
 * <p>No command waits forever: a command that fails in any way, an {@link Error} included, fails its
 * own future and the thread goes on with the next. Closing lets the thread finish the commands queued
 * before it (10 s at most; what is left then fails) and fails every later one at once, as does a
 * thread that ended (only an interrupt ends it otherwise).
 */
final class SqliteWriter {
  private static final System.Logger LOG = System.getLogger(SqliteWriter.class.getName());
  private static final int MAX_GROUP = 512;
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What the writer thread is asked to do. */
  private sealed interface Command permits Append, Trim, Stop {
    /** Completes the command with {@code cause}, if it is not complete yet. */
    void fail(Throwable cause);
  }

  private record Append(List<Update> updates, CompletableFuture<List<Entry>> result) implements Command {
    @Override
    public void fail(Throwable cause) {
      result.completeExceptionally(cause);
    }
  }

  /** Enforce retention now; answered with the number of entries removed. */
  private record Trim(CompletableFuture<Long> result) implements Command {
    @Override
    public void fail(Throwable cause) {
      result.completeExceptionally(cause);
    }
  }

  /** The last command: what was queued before it is done, the thread ends. */
  private record Stop() implements Command {
    @Override
    public void fail(Throwable cause) {
      // nobody waits for it
    }
  }

  private final SqliteStore store;
  private final Path directory; // asked what is wrong with the disk when SQLite does not say
  private final LinkedBlockingQueue<Command> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Object lifecycle = new Object();
  private boolean accepting = true; // guarded by lifecycle: false once closed or the thread ended
  private volatile boolean closed;
  private volatile Consumer<List<Entry>> listener = entries -> { };
  private volatile EventLog.CommitListener commitListener = (updates, nanos) -> { };
  private volatile Runnable beforeStoring = () -> { };
  private volatile String failure; // why the last write failed; null when it succeeded
  private long lastTrimNanos = System.nanoTime();

  SqliteWriter(Connection connection, SqliteStore.Opener reopen, Path file, Retention retention, IdGenerator ids)
      throws SQLException {
    this.store = new SqliteStore(connection, reopen, retention, ids);
    this.directory = file.toAbsolutePath().getParent();
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

  /**
   * For tests of failures that cannot be provoked for real (an {@link OutOfMemoryError}): runs on
   * the writer thread before each group of appends is stored and before each probe; what it throws
   * fails them as a storage failure would.
   */
  void beforeStoring(Runnable hook) {
    this.beforeStoring = Objects.requireNonNull(hook, "hook");
  }

  /** Entries stored now (kept up to date by the writer: no query). */
  long storedEvents() {
    return store.storedEvents();
  }

  /** Bytes of update content stored now. */
  long storedBytes() {
    return store.storedBytes();
  }

  long lastSequence() {
    return store.lastSequence();
  }

  /**
   * Why the log cannot take writes now, or {@code null} when it can: closed, its thread gone, or the
   * last write (or probe) failed; cleared by the next that succeeds.
   */
  String problem() {
    if (closed) {
      return "the event log is closed";
    }
    if (!thread.isAlive()) {
      return "the event log writer has stopped";
    }
    return failure;
  }

  CompletableFuture<List<Entry>> append(List<Update> updates) {
    CompletableFuture<List<Entry>> result = new CompletableFuture<>();
    submit(new Append(List.copyOf(updates), result));
    return result;
  }

  /** Enforces retention as the next command; completes with the entries removed. */
  CompletableFuture<Long> trim() {
    CompletableFuture<Long> result = new CompletableFuture<>();
    submit(new Trim(result));
    return result;
  }

  /** {@link #trim()}, waiting for it. */
  long trimNow() {
    try {
      return trim().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause
          : new IllegalStateException("enforcing retention failed: " + e.getCause(), e.getCause());
    }
  }

  private void submit(Command command) {
    synchronized (lifecycle) {
      if (accepting) {
        queue.add(command);
        return;
      }
    }
    command.fail(new IllegalStateException(Objects.requireNonNullElse(problem(), "the event log is closed")));
  }

  /** Stops taking commands, lets the thread finish those queued (10 s at most), closes the connection. */
  void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (accepting) {
        accepting = false;
        queue.add(new Stop()); // the last command ever queued
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      if (thread.isAlive()) {
        LOG.log(System.Logger.Level.WARNING, "the event log writer did not finish within 10 s; closing under it");
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued(new IllegalStateException("the event log is closed"));
    try {
      store.close();
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the event log failed", e);
    }
  }

  private void failQueued(Throwable cause) {
    for (Command command; (command = queue.poll()) != null; ) {
      command.fail(cause);
    }
  }

  private void run() {
    List<Command> work = new ArrayList<>();
    try {
      boolean stop = false;
      while (!stop) {
        try {
          Command first = queue.poll(TICK_NANOS, TimeUnit.NANOSECONDS);
          if (first != null) {
            work.add(first);
            queue.drainTo(work, MAX_GROUP - 1);
          }
          stop = perform(work);
          if (!stop) {
            betweenCommands();
          }
        } catch (InterruptedException e) {
          throw e;
        } catch (Throwable unexpected) { // perform guards each command; this is a last resort
          IllegalStateException cause = failed("the event log writer failed", unexpected);
          work.forEach(command -> command.fail(cause));
          stop = work.stream().anyMatch(Stop.class::isInstance);
        } finally {
          work.clear();
        }
      }
    } catch (InterruptedException e) {
      LOG.log(System.Logger.Level.WARNING, "the event log writer was interrupted; the log takes no more writes");
    } finally {
      synchronized (lifecycle) {
        accepting = false;
      }
      failQueued(new IllegalStateException(closed ? "the event log is closed" : "the event log writer has stopped"));
    }
  }

  /** Runs the commands in order, appends in groups; returns whether a {@link Stop} was among them. */
  private boolean perform(List<Command> work) {
    List<Append> group = new ArrayList<>();
    boolean stop = false;
    for (Command command : work) {
      if (command instanceof Append append) {
        group.add(append);
        continue;
      }
      commit(group);
      group.clear();
      if (command instanceof Trim trim) {
        trim(trim);
      } else if (command instanceof Stop) {
        stop = true;
      }
    }
    commit(group);
    return stop;
  }

  /** Stores the group in one transaction; then reports and completes each append in order. */
  private void commit(List<Append> group) {
    if (group.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    List<SqliteStore.Stored> results;
    int updates = 0;
    try {
      beforeStoring.run();
      List<List<Update>> batches = new ArrayList<>(group.size());
      for (Append append : group) {
        batches.add(append.updates());
        updates += append.updates().size();
      }
      results = store.store(batches);
    } catch (Throwable e) {
      IllegalStateException cause = failed("storing " + group.size() + " append(s) failed", e);
      group.forEach(append -> append.fail(cause));
      return;
    }
    failure = null;
    int count = updates;
    guarded("the commit listener", () -> commitListener.committed(count, System.nanoTime() - started));
    for (int i = 0; i < group.size(); i++) {
      SqliteStore.Stored stored = results.get(i);
      if (!stored.fresh().isEmpty()) {
        // Stored whatever the listener does: its failure is logged, the publish still succeeds.
        guarded("the event log listener", () -> listener.accept(stored.fresh()));
      }
      if (stored.conflict() != null) {
        group.get(i).fail(stored.conflict());
      } else {
        group.get(i).result().complete(stored.entries());
      }
    }
  }

  private void trim(Trim trim) {
    lastTrimNanos = System.nanoTime();
    try {
      trim.result().complete(store.trim());
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "retention pass failed", e);
      trim.fail(e instanceof RuntimeException ? e : new IllegalStateException("retention pass failed: " + e, e));
    }
  }

  /** Every second: retention; and while writes fail, a probe that clears the failure once writes work. */
  private void betweenCommands() {
    if (System.nanoTime() - lastTrimNanos < TICK_NANOS) {
      return;
    }
    lastTrimNanos = System.nanoTime();
    if (failure != null) {
      try {
        beforeStoring.run();
        store.probe();
        LOG.log(System.Logger.Level.INFO, "the event log takes writes again (it failed: " + failure + ")");
        failure = null;
      } catch (Throwable e) {
        failure = describe(e); // still failing: the reason may have changed
        return;
      }
    }
    try {
      store.trim();
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "retention pass failed", e);
    }
  }

  /** Records a write failure (readiness reports it) and says what failed, for the futures. */
  private IllegalStateException failed(String what, Throwable e) {
    failure = describe(e);
    LOG.log(System.Logger.Level.ERROR, what + ": " + failure, e);
    return new IllegalStateException(what + ": " + failure, e);
  }

  /** What went wrong, led by the cause an operator acts on when it is one ("disk full", "read-only"). */
  private String describe(Throwable e) {
    return WriteProblem.describe(e, directory);
  }

  /** Runs a listener; whatever it throws, an Error included, is logged and does not stop the writer. */
  private static void guarded(String who, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.ERROR, who + " failed", e);
    }
  }
}
