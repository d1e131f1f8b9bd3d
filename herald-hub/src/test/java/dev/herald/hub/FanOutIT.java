package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventSource;
import dev.herald.client.EventSourceListener;
import dev.herald.client.ReadyState;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fan-out correctness at scale: 2,000 subscribers on one topic and 200 on topics of their own, while
 * four threads publish at once. Every subscriber must receive every update meant for it exactly once,
 * in log order (ids are ULIDs, so log order is id order).
 */
class FanOutIT {
  private static final int SHARED_SUBSCRIBERS = 2000;
  private static final int OWN_TOPIC_SUBSCRIBERS = 200;
  private static final int PUBLISHERS = 4;
  private static final int SHARED_UPDATES_PER_PUBLISHER = 25;

  /** What one subscriber received, in order. */
  private static final class Received implements EventSourceListener {
    final List<String> ids = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onEvent(SseEvent event) {
      ids.add(event.id());
    }
  }

  @Test
  void everySubscriberGetsEveryUpdateOnceAndInOrder() throws Exception {
    try (HubFixture fixture = new HubFixture()) {
      List<EventSource> sources = new CopyOnWriteArrayList<>();
      List<Received> shared = new ArrayList<>();
      List<Received> own = new ArrayList<>();
      try {
        for (int i = 0; i < SHARED_SUBSCRIBERS; i++) {
          Received received = new Received();
          shared.add(received);
          sources.add(open(fixture.subscribeUri("https://example.com/shared"), received));
        }
        for (int i = 0; i < OWN_TOPIC_SUBSCRIBERS; i++) {
          Received received = new Received();
          own.add(received);
          sources.add(open(fixture.subscribeUri("https://example.com/own/" + i), received));
        }
        awaitOpen(sources);

        ConcurrentLinkedQueue<String> sharedIds = new ConcurrentLinkedQueue<>();
        String[] ownIds = new String[OWN_TOPIC_SUBSCRIBERS];
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
          int publisher = p;
          done.add(publishers.submit(() -> {
            for (int n = 0; n < SHARED_UPDATES_PER_PUBLISHER; n++) {
              sharedIds.add(fixture.publishOk("topic", "https://example.com/shared", "data", publisher + "-" + n));
            }
            for (int t = publisher; t < OWN_TOPIC_SUBSCRIBERS; t += PUBLISHERS) {
              ownIds[t] = fixture.publishOk("topic", "https://example.com/own/" + t, "data", "own " + t);
            }
            return null;
          }));
        }
        for (Future<?> future : done) {
          future.get(120, TimeUnit.SECONDS);
        }
        publishers.shutdown();

        List<String> expectedShared = new ArrayList<>(sharedIds);
        Collections.sort(expectedShared);
        assertThat(expectedShared).hasSize(PUBLISHERS * SHARED_UPDATES_PER_PUBLISHER).doesNotHaveDuplicates();
        awaitCounts(shared, expectedShared.size(), own);

        for (int i = 0; i < shared.size(); i++) {
          assertThat(shared.get(i).ids).as("shared subscriber %d", i).containsExactlyElementsOf(expectedShared);
        }
        for (int t = 0; t < own.size(); t++) {
          assertThat(own.get(t).ids).as("own-topic subscriber %d", t).containsExactly(ownIds[t]);
        }
      } finally {
        sources.forEach(EventSource::close);
      }
    }
  }

  private static EventSource open(URI uri, Received received) {
    return EventSource.builder(uri).errorPolicy(ErrorPolicy.NEVER).listener(received).build().start();
  }

  private static void awaitOpen(List<EventSource> sources) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (EventSource source : sources) {
      while (source.readyState() != ReadyState.OPEN) {
        assertThat(source.readyState()).as("a subscriber failed to open").isNotEqualTo(ReadyState.CLOSED);
        assertThat(System.nanoTime()).as("all subscribers open in time").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  private static void awaitCounts(List<Received> shared, int sharedCount, List<Received> own)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      boolean complete = shared.stream().allMatch(r -> r.ids.size() >= sharedCount)
          && own.stream().allMatch(r -> r.ids.size() >= 1);
      if (complete) {
        Thread.sleep(300); // anything extra (a duplicate) would show up now
        return;
      }
      Thread.sleep(20);
    }
  }
}
