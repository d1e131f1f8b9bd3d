package dev.herald.cli;

/**
 * The subscriber side of {@code herald bench}: connections in this process ({@link NettySubscribers})
 * or in child processes ({@link ChildSubscribers}). Called from one thread, in this order:
 * {@link #connect}, then {@link #measureFrom} and {@link #progress} while publishing, then
 * {@link #finish} once.
 */
interface SubscriberPool extends AutoCloseable {
  /** Opens every subscription, paced, and returns once each is open (200) or failed, or on timeout. */
  void connect(ProgressSink progress) throws Exception;

  /** Open subscriptions per topic (index = topic number), once {@link #connect} returned. */
  long[] connectedPerTopic();

  /** From now on count the deliveries of updates sent at or after this epoch microsecond. */
  void measureFrom(long epochMicros) throws Exception;

  /** A current view: open connections, counted deliveries, latency so far. */
  Progress progress();

  /**
   * Closes the subscriptions and returns the totals; connections still open and behind the last
   * acknowledged sequence number of their topic ({@code lastSeqPerTopic}) count the rest as gaps.
   */
  SubscriberTotals finish(long[] lastSeqPerTopic) throws Exception;

  @Override
  void close();

  /** A live view for progress lines. */
  record Progress(long connected, long failed, long delivered, LatencyHistogram latency) {}

  /** Where connection progress goes while connecting. */
  interface ProgressSink {
    void connecting(Progress progress);
  }
}
