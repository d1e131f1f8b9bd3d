package dev.herald.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The counters every {@link SubscriberHandler} of a process shares; one latency histogram per thread. */
final class SubscriberCounters {
  final LongAdder open = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder disconnected = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder delivered = new LongAdder();
  /** Reconnected subscribers that received every update they missed (reconnect storm). */
  final LongAdder recovered = new LongAdder();
  final AtomicLongArray openPerTopic;
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final List<LatencyHistogram> histograms = new CopyOnWriteArrayList<>();
  private final ThreadLocal<LatencyHistogram> histogram = ThreadLocal.withInitial(() -> {
    LatencyHistogram mine = new LatencyHistogram();
    histograms.add(mine);
    return mine;
  });
  /** Deliveries of updates sent before this epoch microsecond are not counted (warmup). */
  volatile long measureFrom = Long.MAX_VALUE;
  /** Set when the bench closes the connections itself: those closes are not disconnections. */
  volatile boolean closing;

  SubscriberCounters(int topics) {
    openPerTopic = new AtomicLongArray(topics);
  }

  void opened(int topic) {
    open.increment();
    openPerTopic.incrementAndGet(topic);
  }

  void failed(String kind) {
    failed.increment();
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  LatencyHistogram latency() {
    return histogram.get();
  }

  /** All threads' histograms added up. */
  LatencyHistogram mergedLatency() {
    LatencyHistogram all = new LatencyHistogram();
    histograms.forEach(all::add);
    return all;
  }

  Map<String, Long> errors() {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((kind, n) -> copy.put(kind, n.sum()));
    return copy;
  }
}
