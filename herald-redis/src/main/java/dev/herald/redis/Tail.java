package dev.herald.redis;

import dev.herald.log.Entry;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The thread that follows the stream on a dedicated connection with blocking {@code XREAD} and hands
 * every new entry, in order, to the node's listener (its fan-out). It remembers the last sequence it
 * delivered: after an outage it resumes right after it, so no entry stored in Redis is skipped, and
 * none is delivered twice.
 */
final class Tail implements Runnable {
  private static final System.Logger LOG = System.getLogger(Tail.class.getName());
  static final Duration BLOCK = Duration.ofSeconds(2);
  private static final int BATCH = 512;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final StatefulRedisConnection<String, String> connection;
  private final RedisLogSettings settings;
  private final Thread thread;
  private volatile Consumer<List<Entry>> listener = entries -> { };
  private volatile long delivered;
  private volatile boolean healthy = true;
  private volatile boolean closed;

  Tail(StatefulRedisConnection<String, String> connection, RedisLogSettings settings, long startAfter) {
    this.connection = connection;
    this.settings = settings;
    this.delivered = startAfter;
    this.thread = new Thread(this, "herald-redis-tail");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void onEntries(Consumer<List<Entry>> listener) {
    this.listener = listener;
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
        if (batch == null || batch.isEmpty()) {
          checkHistoryKept();
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
   * Sequences only grow; a counter below what was delivered means Redis lost its data (restarted
   * without persistence). New entries would then never reach this node's subscribers.
   */
  private void checkHistoryKept() {
    String counter = connection.sync().get(settings.sequenceKey());
    long current = counter == null ? 0 : Long.parseLong(counter);
    if (current < delivered) {
      LOG.log(System.Logger.Level.ERROR, "Redis lost the log: its sequence is " + current + " but this node"
          + " delivered up to " + delivered + ". Run Redis with persistence (appendonly yes), and restart the"
          + " hub nodes so that subscribers reconnect; following continues from the new sequence.");
      delivered = current;
    }
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
