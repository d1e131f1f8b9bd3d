package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.auth.Tokens;
import dev.herald.redis.RedisServer;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three {@code herald serve --store redis://...} processes on one redis-server of the test's own:
 * kill -9 one node while publishing through the others; its subscriber resumes on another node with
 * its Last-Event-ID and, with every other subscriber, ends up with exactly the acknowledged updates.
 */
class ClusterIT {
  private static final String SECRET = "cluster-it-secret-long-enough-123456";
  private static final String TOPIC = "https://example.com/cluster";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer redis;
  private final List<HubProcess> nodes = new ArrayList<>();
  private final List<EventIterator> subscribers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    for (int i = 0; i < 3; i++) {
      nodes.add(HubProcess.serve("--listen", "127.0.0.1:0", "--store", redis.uri().toString(),
          "--redis-key-prefix", "it", "--jwt-secret", SECRET, "--anonymous", "--heartbeat", "1s"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    subscribers.forEach(EventIterator::close);
    for (HubProcess node : nodes) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private EventIterator subscribe(HubProcess node, String lastEventId) throws InterruptedException {
    EventSource.Builder builder = EventSource.builder(URI.create(node.endpoint + "?topic="
        + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8))).errorPolicy(ErrorPolicy.NEVER);
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    EventIterator events = builder.iterator();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.readyState() != ReadyState.OPEN) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("subscription to " + node.endpoint + " did not open");
      }
      Thread.sleep(5);
    }
    subscribers.add(events);
    return events;
  }

  private static String publish(HubProcess node, int n) throws Exception {
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.endpoint))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
            + "&data=u" + n)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Events until {@code count} are read (or the stream ends, when {@code untilEnd}). */
  private static List<String> read(EventIterator events, int count, boolean untilEnd) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ids.size() < count && System.nanoTime() < deadline) {
      SseEvent event = events.poll(Duration.ofMillis(200));
      if (event != null) {
        ids.add(event.id());
      } else if (untilEnd && events.readyState() == ReadyState.CLOSED) {
        break;
      }
    }
    return ids;
  }

  @Test
  void killingANodeLosesNothingForAnySubscriber() throws Exception {
    EventIterator onVictim = subscribe(nodes.get(0), null);
    EventIterator onSecond = subscribe(nodes.get(1), null);
    EventIterator onThird = subscribe(nodes.get(2), null);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    int total = 300;
    CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < total; i++) {
          acknowledged.add(publish(nodes.get(1 + i % 2), i)); // through the nodes that stay
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < 100 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    nodes.get(0).process.destroyForcibly().waitFor(20, TimeUnit.SECONDS); // kill -9, mid-stream

    List<String> beforeKill = read(onVictim, total, true);
    assertThat(beforeKill).as("the victim's subscriber got some updates before the kill").isNotEmpty();
    EventIterator resumed = subscribe(nodes.get(1), beforeKill.get(beforeKill.size() - 1));
    publisher.get(120, TimeUnit.SECONDS);

    List<String> victimSaw = new ArrayList<>(beforeKill);
    victimSaw.addAll(read(resumed, total - beforeKill.size(), false));
    assertThat(victimSaw).as("the moved subscriber: no gap, no duplicate").isEqualTo(acknowledged);
    assertThat(read(onSecond, total, false)).isEqualTo(acknowledged);
    assertThat(read(onThird, total, false)).isEqualTo(acknowledged);
  }
}
