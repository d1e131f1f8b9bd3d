package dev.herald.redis;

import dev.herald.log.Entry;
import dev.herald.log.LogLoss;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The thread that follows the stream on a dedicated connection with blocking {@code XREAD} and hands
 * every new entry, in order, to the node's listener (its fan-out). It remembers the last sequence it
 * delivered: after an outage it resumes right after it, so no entry stored in Redis is skipped, and
 * none is delivered twice.
 *
 * <p>After every read it checks that the log is still the one it followed: the same {@link Epoch}
 * and a sequence that did not go back. If Redis lost the log (a restart without persistence,
 * {@code FLUSHALL}, a failover to a replica that lacked the last writes), the read is dropped, the
 * loss is logged and reported to the loss listener (the hub ends its streams so that subscribers
 * resume from the log as it now is), and following goes on from the new log's end: every update
 * stored after that reaches this node's subscribers.
 */
final class Tail implements Runnable {
  private static final System.Logger LOG = System.getLogger(Tail.class.getName());
  static final Duration BLOCK = Duration.ofSeconds(2);
  private static final int BATCH = 512;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final RedisLink connection;
  private final RedisLogSettings settings;
  private final Thread thread;
  private volatile Consumer<List<Entry>> listener = entries -> { };
  private volatile Consumer<LogLoss> lossListener = loss -> { };
  private volatile long delivered;
  /** The epoch of the log this node follows. Tail thread only. */
  private String epoch;
  private volatile LogLoss lastLoss;
  private volatile boolean healthy = true;
  private volatile boolean closed;

  Tail(RedisLink connection, RedisLogSettings settings, Epoch.State start) {
    this.connection = connection;
    this.settings = settings;
    this.epoch = start.epoch();
    this.delivered = start.sequence();
    this.thread = new Thread(this, "herald-redis-tail");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void onEntries(Consumer<List<Entry>> listener) {
    this.listener = listener;
  }

  void onLoss(Consumer<LogLoss> listener) {
    this.lossListener = listener;
  }

  /** The last loss this node noticed, or null. */
  LogLoss lastLoss() {
    return lastLoss;
  }

  /** The last sequence handed to the listener. */
  long delivered() {
    return delivered;
  }

  /** Whether the last read succeeded. */
  boolean healthy() {
    return healthy;
  }

  @Override
  public void run() {
    long backoff = 100;
    while (!closed) {
      try {
        List<StreamMessage<String, String>> batch = connection.sync().xread(
            XReadArgs.Builder.block(BLOCK).count(BATCH),
            XReadArgs.StreamOffset.from(settings.streamKey(), delivered + "-0"));
        if (!healthy) {
          LOG.log(System.Logger.Level.WARNING, "Redis reachable again: following the log after sequence "
              + delivered);
        }
        healthy = true;
        backoff = 100;
        // Checked after the read: what was read before a loss belongs to the old log (delivered), what
        // was read after it is dropped here and read again from the new log's end.
        if (!logKept()) {
          continue;
        }
        if (batch == null || batch.isEmpty()) {
          continue;
        }
        deliver(batch);
      } catch (RedisException e) {
        if (closed) {
          return;
        }
        if (healthy) {
          LOG.log(System.Logger.Level.WARNING, "lost Redis at " + settings.safeUri() + " (" + e.getMessage()
              + "); subscribers stay connected, following resumes after sequence " + delivered);
        }
        healthy = false;
        sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "delivering updates from Redis failed", e);
        sleep(backoff);
      }
    }
  }

  private void deliver(List<StreamMessage<String, String>> batch) {
    List<Entry> entries = new ArrayList<>(batch.size());
    for (StreamMessage<String, String> message : batch) {
      entries.add(StreamEntries.entry(message));
    }
    long first = entries.get(0).sequence();
    if (first != delivered + 1) {
      // Retention trimmed entries this node had not read yet (a long outage): subscribers that need
      // them get the earliest-retained reset when they reconnect.
      LOG.log(System.Logger.Level.WARNING, (first - delivered - 1) + " updates were trimmed from Redis before"
          + " this node delivered them (after sequence " + delivered + ")");
    }
    listener.accept(entries);
    delivered = entries.get(entries.size() - 1).sequence();
  }

  /**
   * Whether Redis still holds the log this node followed: the same epoch, and a sequence at least
   * what was delivered (sequences only grow). If not, reports the loss and follows the new log from
   * its end.
   */
  private boolean logKept() {
    Epoch.State now = Epoch.read(connection.sync(), settings);
    boolean sameLog = now.epoch().equals(epoch);
    if (sameLog && now.sequence() >= delivered) {
      return true;
    }
    String cause = sameLog
        ? "Redis's log went back from sequence " + delivered + " to " + now.sequence()
            + " (a failover to a replica that lacked the last writes?): updates " + (now.sequence() + 1) + " to "
            + delivered + " are gone"
        : "Redis lost the log (restarted without persistence, flushed, or another server): every update up to"
            + " sequence " + delivered + " is gone";
    LogLoss loss = new LogLoss(delivered, now.sequence(), cause, Instant.now());
    LOG.log(System.Logger.Level.ERROR, "the event log lost acknowledged updates: " + cause + "; the log now ends at"
        + " sequence " + now.sequence() + ". Subscribers are disconnected so that they resume from the log as it"
        + " is (unknown ids get Last-Event-ID: earliest); following goes on. Run Redis with persistence"
        + " (appendonly yes) and replicas (--redis-min-replicas) so that this cannot happen.");
    epoch = now.epoch();
    delivered = now.sequence();
    lastLoss = loss;
    try {
      lossListener.accept(loss);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "handling the loss of the log failed", e);
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(BLOCK.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
