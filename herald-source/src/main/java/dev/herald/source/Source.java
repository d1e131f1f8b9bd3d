package dev.herald.source;

import java.time.Duration;

/**
 * A database or broker the hub consumes: each message becomes an update with an id derived from the
 * message's position (a Kafka offset, a stream sequence, an outbox row), so that a message delivered
 * again after a crash is recognised by the log as the update it already holds.
 *
 * <p>A {@link SourceRunner} drives a source from one thread: {@link #connect}, then {@link #poll} and,
 * once the log has stored a batch's updates, {@link #acknowledge} it; the source's position (offsets
 * committed, messages acked, rows deleted) advances only there. Any exception from these three makes
 * the runner wait (with back-off) and call {@link #connect} again, which must drop what the previous
 * connection held; what was polled but not acknowledged then comes again. Only {@link #wakeup} and
 * {@link #lag} are called from other threads. Implementations come from a {@link SourceFactory}.
 */
public interface Source extends AutoCloseable {
  /** What the source is, for logs, metrics and the dashboard, without credentials. */
  String name();

  /** Connects, or connects again after a failure (dropping the earlier connection first). */
  void connect() throws Exception;

  /**
   * The next batch, waiting at most {@code wait} for one; an empty batch when nothing came. A batch
   * holds at most {@code maxMessages} messages (a bound on what the hub holds in memory per source).
   */
  SourceBatch poll(Duration wait, int maxMessages) throws Exception;

  /** The log stored every update of {@code batch} (or refused them): advance past it. */
  void acknowledge(SourceBatch batch) throws Exception;

  /** Messages waiting in the source beyond what was polled, or -1 when the source cannot tell. */
  default long lag() {
    return -1;
  }

  /** Cuts a {@link #poll} in progress short, from another thread, because the runner is stopping. */
  default void wakeup() {}

  /** Releases the connection for good; a second call does nothing. */
  @Override
  void close();
}
