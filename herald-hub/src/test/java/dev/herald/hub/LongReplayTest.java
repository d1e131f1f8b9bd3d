package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.log.ForwardingEventLog;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.sse.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replay larger than the connection's write-buffer high-water mark, with an update published while
 * the history is being read: the subscriber gets the history, then the held update, on one
 * connection; a history queued faster than the socket takes it is not a slow consumer.
 */
class LongReplayTest {
  private static final int HIGH_WATER_MARK = 4 * 1024;

  @Test
  void aHistoryAboveTheHighWaterMarkThenTheHeldUpdateArriveOnOneConnection() throws Exception {
    GatedReads log = new GatedReads();
    try (HubFixture fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log)
        .writeBufferHighWaterMark(HIGH_WATER_MARK))) {
      String cursor = fixture.publishOk("topic", "t", "data", "cursor");
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 200; i++) { // about 20 KB of history: five times the high-water mark
        expected.add(fixture.publishOk("topic", "t", "data", "history " + i + " " + "x".repeat(64)));
      }
      try (EventIterator events = EventSource.builder(fixture.subscribeUri("t")).lastEventId(cursor)
          .errorPolicy(ErrorPolicy.NEVER).iterator()) {
        assertThat(log.readStarted.await(20, TimeUnit.SECONDS)).as("the history read started").isTrue();
        // the subscription is registered and pending: this update is held until the replay ends
        expected.add(fixture.publishOk("topic", "t", "data", "live"));
        log.release.countDown();
        List<String> received = new ArrayList<>();
        while (received.size() < expected.size()) {
          SseEvent event = events.poll(Duration.ofSeconds(20));
          assertThat(event).as("event %d of %d", received.size() + 1, expected.size()).isNotNull();
          received.add(event.id());
        }
        assertThat(received).containsExactlyElementsOf(expected);
        assertThat(fixture.hub.slowSubscribersClosed()).isZero();
        assertThat(log.firstReads).as("one connection, one history read").isEqualTo(1);
      }
    }
  }

  /** A memory log whose first-page reads wait until the test lets them go. */
  private static final class GatedReads extends ForwardingEventLog {
    final CountDownLatch readStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile int firstReads;

    GatedReads() {
      super(new MemoryEventLog(10_000, new IdGenerator()));
    }

    @Override
    public Replay readAfter(String lastEventId, int limit, long maxBytes) {
      firstReads++;
      Replay replay = log.readAfter(lastEventId, limit, maxBytes);
      readStarted.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return replay;
    }
  }
}
