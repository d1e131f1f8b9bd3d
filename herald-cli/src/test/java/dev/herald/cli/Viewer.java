package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscriber for streaming tests: opens (waiting until the hub answered), then hands out events one
 * by one, failing when one does not come in 20 s. {@link #resume} reconnects with a Last-Event-ID.
 */
final class Viewer implements AutoCloseable {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private final EventIterator events;

  private Viewer(EventIterator events) {
    this.events = events;
  }

  /** A subscription to {@code topic} at {@code endpoint}, open when this returns. */
  static Viewer open(String endpoint, String topic) throws InterruptedException {
    return open(EventSource.builder(URI.create(endpoint + "?topic=" + topic)));
  }

  /** A subscription that resumes after {@code lastEventId}. */
  static Viewer resume(String endpoint, String topic, String lastEventId) throws InterruptedException {
    return open(EventSource.builder(URI.create(endpoint + "?topic=" + topic)).lastEventId(lastEventId));
  }

  private static Viewer open(EventSource.Builder builder) throws InterruptedException {
    EventIterator events = builder.iterator();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (events.readyState() != ReadyState.OPEN) {
      assertThat(System.nanoTime()).as("the subscription opens in time").isLessThan(deadline);
      Thread.sleep(5);
    }
    return new Viewer(events);
  }

  /** The next event. */
  SseEvent next() {
    SseEvent event = events.poll(PATIENCE);
    assertThat(event).as("an event within " + PATIENCE).isNotNull();
    return event;
  }

  /** The next {@code count} events. */
  List<SseEvent> next(int count) {
    List<SseEvent> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(next());
    }
    return list;
  }

  @Override
  public void close() {
    events.close();
  }
}
