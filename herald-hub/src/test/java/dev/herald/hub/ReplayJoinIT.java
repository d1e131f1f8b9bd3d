package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.log.ForwardingEventLog;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import dev.herald.sse.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The replay contract under concurrency: while three publishers publish, subscribers disconnect and
 * reconnect with their last id at random moments. Afterwards every subscriber's ids, joined over its
 * connections, equal the log's ids after its first cursor: no gap, no duplicate, in order. Log order
 * is id order: the log generates ULIDs in sequence order.
 */
class ReplayJoinIT {
  private static final int UPDATES = 1500;
  private static final int PUBLISHERS = 3;
  private static final int SUBSCRIBERS = 12;

  @Test
  void reconnectingSubscribersSeeEveryUpdateOnceInOrder() throws Exception {
    // History reads that take a while after reading: updates published meanwhile reach the
    // subscription while it is still pending, which is the case the join must get right.
    run(new SlowReads(new MemoryEventLog(10_000, new IdGenerator())));
  }

  @Test
  void theSameHoldsOnTheSqliteStoreWithItsCache(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    run(new SlowReads(new RecentCache(SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        Retention.DEFAULT, new IdGenerator()), 20_000))); // about 200 of these updates
  }

  private void run(EventLog log) throws Exception {
    try (HubFixture fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log))) {
      List<String> published = new CopyOnWriteArrayList<>();
      published.add(fixture.publishOk("topic", "t", "data", "first"));
      ExecutorService pool = Executors.newFixedThreadPool(SUBSCRIBERS + PUBLISHERS);
      List<Future<?>> publishers = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        int first = p + 1;
        publishers.add(pool.submit(() -> {
          for (int i = first; i < UPDATES; i += PUBLISHERS) {
            published.add(fixture.publishOk("topic", "t", "data", Integer.toString(i)));
            if (i % 100 < PUBLISHERS) {
              Thread.sleep(20); // let reconnections land in the middle of the stream
            }
          }
          return null;
        }));
      }
      List<Future<List<String>>> subscribers = new ArrayList<>();
      for (int s = 0; s < SUBSCRIBERS; s++) {
        long seed = 1000 + s;
        subscribers.add(pool.submit(() -> subscribeWithReconnects(fixture, published, new SplittableRandom(seed))));
      }
      for (Future<?> publisher : publishers) {
        publisher.get(120, TimeUnit.SECONDS);
      }
      List<String> logOrder = new ArrayList<>(published);
      java.util.Collections.sort(logOrder);
      String lastId = logOrder.get(logOrder.size() - 1);
      for (Future<List<String>> subscriber : subscribers) {
        List<String> received = subscriber.get(120, TimeUnit.SECONDS);
        assertThat(received.get(received.size() - 1)).isEqualTo(lastId);
        int start = logOrder.indexOf(received.get(0));
        assertThat(received).as("no gap, no duplicate, in order")
            .containsExactlyElementsOf(logOrder.subList(start, logOrder.size()));
      }
      pool.shutdown();
    }
  }

  /** An event log whose reads return 30 ms late. */
  private static final class SlowReads extends ForwardingEventLog {
    SlowReads(EventLog log) {
      super(log);
    }

    @Override
    public Replay readAfter(String lastEventId, int limit, long maxBytes) {
      Replay replay = log.readAfter(lastEventId, limit, maxBytes);
      pause();
      return replay;
    }

    @Override
    public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
      List<Entry> entries = log.readAfterSequence(sequence, limit, maxBytes);
      pause();
      return entries;
    }

    private static void pause() {
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads from a random early cursor, reconnecting a few times with the last id received. */
  private static List<String> subscribeWithReconnects(HubFixture fixture, List<String> published,
      SplittableRandom random) throws Exception {
    List<String> received = new ArrayList<>();
    String cursor = published.get(0);
    received.add(cursor); // the cursor itself counts as seen; the replay starts after it
    int reconnects = 0;
    while (true) {
      int readThisTime = reconnects < 5 ? 1 + random.nextInt(300) : Integer.MAX_VALUE;
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId(cursor))) {
        for (int i = 0; i < readThisTime; i++) {
          SseEvent event = events.poll(Duration.ofSeconds(30));
          if (event == null) {
            throw new AssertionError("no update within 30 s after " + received.size() + " received");
          }
          received.add(event.id());
          if (received.size() == UPDATES) {
            return received;
          }
        }
      }
      cursor = received.get(received.size() - 1);
      reconnects++;
    }
  }
}
