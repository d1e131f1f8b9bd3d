package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three hubs in one JVM, each with its own connections to one Redis: what is published to any node
 * reaches the subscribers of every node, in one order, once; a subscriber resumes on another node with
 * its Last-Event-ID; a Redis outage refuses publishes (503 with Retry-After) but drops no subscriber.
 */
class ClusterTest {
  private static final String SECRET = "cluster-test-secret-long-enough!!!!!";
  private static final String TOPIC = "https://example.com/cluster";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer redis;
  private final List<Hub> hubs = new ArrayList<>();
  private final List<EventIterator> subscribers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    RedisLogSettings settings = new RedisLogSettings(redis.uri(), "cluster", 0, Duration.ZERO, Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      hubs.add(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .heartbeat(Duration.ofMillis(500)).eventLog(RedisEventLog.open(settings, new IdGenerator())).start());
    }
  }

  @AfterEach
  void stop() throws Exception {
    subscribers.forEach(EventIterator::close);
    hubs.forEach(Hub::close);
    redis.close();
  }

  private static URI endpoint(Hub hub) {
    return HubCalls.endpoint(hub);
  }

  private EventIterator subscribe(Hub hub, String lastEventId) throws InterruptedException {
    EventSource.Builder builder = EventSource.builder(URI.create(endpoint(hub) + "?topic=" + TOPIC))
        .errorPolicy(ErrorPolicy.NEVER);
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    EventIterator events = HubCalls.awaitOpen(builder.iterator());
    subscribers.add(events);
    return events;
  }

  private HttpResponse<String> publish(Hub hub, String data) throws Exception {
    return HubCalls.publish(hub, SECRET, TOPIC, data, Duration.ofSeconds(30));
  }

  private String publishOk(Hub hub, String data) throws Exception {
    return HubCalls.publishOk(hub, SECRET, TOPIC, data, Duration.ofSeconds(30));
  }

  private static List<String> receive(EventIterator events, int count) throws InterruptedException {
    return HubCalls.receive(events, count, Duration.ofSeconds(20));
  }

  @Test
  void everySubscriberOnEveryNodeGetsEveryUpdateInOneOrder() throws Exception {
    List<EventIterator> perNode = new ArrayList<>();
    for (Hub hub : hubs) {
      perNode.add(subscribe(hub, null));
    }
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      published.add(publishOk(hubs.get(i % 3), "u" + i));
    }

    for (EventIterator events : perNode) {
      assertThat(receive(events, 60)).isEqualTo(published);
    }
  }

  @Test
  void aSubscriberResumesOnAnotherNodeWithItsLastEventId() throws Exception {
    EventIterator onFirst = subscribe(hubs.get(0), null);
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      published.add(publishOk(hubs.get(1), "u" + i));
    }
    List<String> seen = receive(onFirst, 4);
    onFirst.close();
    for (int i = 10; i < 15; i++) {
      published.add(publishOk(hubs.get(0), "u" + i));
    }

    EventIterator onThird = subscribe(hubs.get(2), seen.get(3));
    assertThat(receive(onThird, 11)).isEqualTo(published.subList(4, 15));
    String live = publishOk(hubs.get(1), "live");
    assertThat(receive(onThird, 1)).containsExactly(live);
  }

  @Test
  void whilePublishingThroughAnOutageEveryAcknowledgedUpdateArrivesOnceEverywhere() throws Exception {
    List<EventIterator> perNode = new ArrayList<>();
    for (Hub hub : hubs) {
      perNode.add(subscribe(hub, null));
    }
    List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.CompletableFuture<Void> publisher = java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (int i = 0; publishing.get() && i < 5_000; i++) {
        try {
          HttpResponse<String> response = publish(hubs.get(i % 3), "u" + i);
          if (response.statusCode() == 200) {
            acknowledged.add(response.body());
          } else {
            assertThat(response.statusCode()).isEqualTo(503);
            refused.incrementAndGet();
          }
          Thread.sleep(10);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
    awaitCount(acknowledged, 20);
    redis.stop();
    awaitCount(refused, 5);
    redis.restart();
    int afterRestart = acknowledged.size() + 20;
    awaitCount(acknowledged, afterRestart);
    publishing.set(false);
    publisher.get(60, TimeUnit.SECONDS);

    // A publish whose answer was lost as Redis went down (a timeout) may have been stored all the
    // same: it is not acknowledged, so it may arrive, but at most once and the same on every node.
    List<List<String>> seen = new ArrayList<>();
    for (EventIterator events : perNode) {
      List<String> received = receiveUntilAll(events, acknowledged);
      assertThat(received.stream().filter(acknowledged::contains).toList())
          .as("every acknowledged update, once, in order").isEqualTo(acknowledged);
      assertThat(received).as("no duplicates").doesNotHaveDuplicates();
      seen.add(received);
    }
    assertThat(seen.get(1)).isEqualTo(seen.get(0));
    assertThat(seen.get(2)).isEqualTo(seen.get(0));
  }

  /** Events until every id of {@code expected} has arrived (deadline 30 s), then what follows at once. */
  private static List<String> receiveUntilAll(EventIterator events, List<String> expected) throws InterruptedException {
    List<String> received = new ArrayList<>();
    java.util.Set<String> missing = new java.util.HashSet<>(expected);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      SseEvent event = events.poll(Duration.ofMillis(200));
      if (event != null) {
        received.add(event.id());
        missing.remove(event.id());
      }
    }
    for (SseEvent event; (event = events.poll(Duration.ofMillis(300))) != null; ) {
      received.add(event.id());
    }
    return received;
  }

  private static void awaitCount(java.util.Collection<?> items, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (items.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + items.size() + " of " + count);
      }
      Thread.sleep(10);
    }
  }

  private static void awaitCount(java.util.concurrent.atomic.AtomicInteger counter, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (counter.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + counter.get() + " of " + count);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aRedisOutageRefusesPublishesButKeepsSubscribers() throws Exception {
    List<EventIterator> perNode = new ArrayList<>();
    for (Hub hub : hubs) {
      perNode.add(subscribe(hub, null));
    }
    String before = publishOk(hubs.get(0), "before");

    redis.stop();
    HttpResponse<String> refused = publish(hubs.get(1), "during");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body()).startsWith("store_unavailable");
    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + hubs.get(2).address().getPort() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(503);
    Thread.sleep(1_500); // three heartbeats while Redis is away: the streams must stay up

    redis.restart();
    String after = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (after == null) {
      HttpResponse<String> response = publish(hubs.get(2), "after");
      if (response.statusCode() == 200) {
        after = response.body();
      } else if (System.nanoTime() > deadline) {
        throw new AssertionError("publishing still fails after Redis came back: " + response.body());
      } else {
        Thread.sleep(100);
      }
    }
    for (EventIterator events : perNode) {
      assertThat(events.readyState()).isEqualTo(ReadyState.OPEN);
      assertThat(receive(events, 2)).containsExactly(before, after);
    }
  }
}
