package dev.herald.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker executor for benchmarks of event-loop code ({@code -Djmh.executor=CUSTOM
 * -Djmh.executor.class=dev.herald.server.EventLoopThreads}): its threads are Netty
 * {@code FastThreadLocalThread}s, as event-loop threads are. It matters: on any other thread Netty
 * 4.2's {@code Recycler} pools nothing, so every write would allocate an outbound-buffer entry and
 * every retained duplicate a fresh buffer object that a real event loop reuses.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
  /** The constructor JMH calls: at most {@code maxThreads} workers named after {@code prefix}. */
  public EventLoopThreads(int maxThreads, String prefix) {
    super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        new DefaultThreadFactory(prefix, true));
  }
}
