package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence across three {@code herald serve --store redis://... --subscriptions} processes on one
 * redis-server of the test's own: a node killed with {@code kill -9} has its subscriptions reported
 * {@code "active": false} to a watcher on another node within the stated bound (expiry plus a third),
 * and a node stopped cleanly reports its own at once.
 */
class PresenceClusterIT {
  private static final String SECRET = "presence-it-secret-long-enough-123456";
  private static final String BOOK = "https://example.com/books/1";
  private static final String EVENTS = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  private static final String LIST = "/.well-known/mercure/subscriptions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer redis;
  private final List<HubProcess> nodes = new ArrayList<>();
  private final List<EventIterator> streams = new ArrayList<>();

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    streams.forEach(EventIterator::close);
    for (HubProcess node : nodes) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private void startNodes(Duration expiry) throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.add(HubProcess.serve("--listen", "127.0.0.1:0", "--store", redis.uri().toString(), "--jwt-secret", SECRET,
          "--anonymous", "--subscriptions", "--subscriptions-expiry", expiry.toMillis() + "ms"));
    }
  }

  private EventIterator subscribe(HubProcess node, String selector) throws InterruptedException {
    String token = Tokens.hmac(SECRET, List.of(), List.of(EVENTS), Duration.ofHours(1), Instant.now());
    EventIterator events = EventSource.builder(URI.create(node.endpoint + "?topic="
        + URLEncoder.encode(selector, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + token)
        .errorPolicy(ErrorPolicy.NEVER).iterator();
    streams.add(events);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.readyState() != ReadyState.OPEN) {
      assertThat(System.nanoTime()).as("subscription to " + node.endpoint + " opened").isLessThan(deadline);
      Thread.sleep(5);
    }
    return events;
  }

  /** A watcher of every subscription event on {@code node}, once its own subscription was announced. */
  private EventIterator watch(HubProcess node) throws Exception {
    EventIterator watcher = subscribe(node, EVENTS);
    assertThat(next(watcher, Duration.ofSeconds(20)).get("topic").asText()).isEqualTo(EVENTS);
    return watcher;
  }

  private static JsonNode next(EventIterator events, Duration wait) throws Exception {
    SseEvent event = events.poll(wait);
    assertThat(event).as("a subscription event within " + wait).isNotNull();
    return JSON.readTree(event.data());
  }

  /** The topics {@code GET /.well-known/mercure/subscriptions} on {@code node} lists. */
  private static List<String> listed(HubProcess node) throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(LIST), Duration.ofHours(1), Instant.now());
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.endpoint + "/subscriptions"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> topics = new ArrayList<>();
    JSON.readTree(response.body()).get("subscriptions").forEach(entry -> topics.add(entry.get("topic").asText()));
    return topics;
  }

  /** The subscriber id of the {@code active: true} event for {@code BOOK} that {@code watcher} gets. */
  private static String opened(EventIterator watcher) throws Exception {
    JsonNode event = next(watcher, Duration.ofSeconds(20));
    assertThat(event.get("topic").asText()).isEqualTo(BOOK);
    assertThat(event.get("active").asBoolean()).isTrue();
    return event.get("subscriber").asText();
  }

  @Test
  void aKilledNodesSubscriptionsAreReportedInactiveOnAnotherNodeWithinExpiryPlusAThird() throws Exception {
    Duration expiry = Duration.ofSeconds(3);
    Duration bound = expiry.plus(expiry.dividedBy(3));
    startNodes(expiry);
    EventIterator watcher = watch(nodes.get(2));
    subscribe(nodes.get(0), BOOK);
    String subscriber = opened(watcher);
    assertThat(listed(nodes.get(1))).contains(BOOK);

    nodes.get(0).process.destroyForcibly().waitFor(20, TimeUnit.SECONDS); // kill -9: nothing removed
    long killed = System.nanoTime();

    JsonNode ended = next(watcher, bound.plusSeconds(3)); // the bound, and time to deliver on a busy machine
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    System.out.println("PresenceClusterIT: reported inactive " + millis + " ms after kill -9 (bound "
        + bound.toMillis() + " ms)");
    assertThat(ended.get("subscriber").asText()).isEqualTo(subscriber);
    assertThat(ended.get("topic").asText()).isEqualTo(BOOK);
    assertThat(ended.get("active").asBoolean()).isFalse();
    assertThat(listed(nodes.get(1))).doesNotContain(BOOK);
    assertThat(watcher.poll(expiry)).as("reported once, by one of the two survivors").isNull();
  }

  @Test
  void aNodeStoppedCleanlyReportsItsSubscriptionsInactiveWithoutWaitingForTheExpiry() throws Exception {
    startNodes(Duration.ofMinutes(5));
    EventIterator watcher = watch(nodes.get(1));
    subscribe(nodes.get(0), BOOK);
    String subscriber = opened(watcher);

    nodes.get(0).close(); // SIGTERM: the hub ends its streams and announces their end

    JsonNode ended = next(watcher, Duration.ofSeconds(20)); // well within the 5 minutes a sweep would take
    assertThat(ended.get("subscriber").asText()).isEqualTo(subscriber);
    assertThat(ended.get("active").asBoolean()).isFalse();
    assertThat(listed(nodes.get(2))).doesNotContain(BOOK);
  }
}
