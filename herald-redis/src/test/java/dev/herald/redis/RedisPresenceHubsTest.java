package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence across three hubs on one real redis-server, each with the Redis subscription events' log
 * and registry: any node lists every node's subscriptions, and the subscription events of every node
 * reach watchers on every node.
 */
class RedisPresenceHubsTest {
  private static final String SECRET = "redis-presence-test-secret-long-enough";
  private static final String EVENTS = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  private static final String LIST = "/.well-known/mercure/subscriptions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer server;
  private final List<Hub> hubs = new ArrayList<>();
  private final List<EventIterator> streams = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    RedisLogSettings settings = RedisLogSettings.of(server.uri(), 0, Duration.ZERO);
    for (int i = 0; i < 3; i++) {
      hubs.add(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .eventLog(() -> RedisEventLog.open(settings, new IdGenerator()))
          .subscriptions(true)
          .subscriptionEventLog(() -> RedisEventLog.open(settings.subscriptionEvents(), new IdGenerator()))
          .subscriptionRegistry(() -> RedisSubscriptionRegistry.open(settings))
          .start());
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    streams.forEach(EventIterator::close);
    hubs.forEach(Hub::close);
    server.close();
  }

  private EventIterator subscribe(Hub hub, String selector, Object payload, String lastEventId)
      throws InterruptedException {
    String token = Tokens.hmac(SECRET, List.of(), List.of(EVENTS, LIST), payload, Duration.ofHours(1), Instant.now());
    EventSource.Builder builder = EventSource.builder(URI.create(HubCalls.endpoint(hub) + "?topic="
        + URLEncoder.encode(selector, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    EventIterator events = HubCalls.awaitOpen(builder.iterator());
    streams.add(events);
    return events;
  }

  /** A watcher of every subscription event on {@code hub}, once its own subscription was announced. */
  @Test
  void watchersOfALostSubscriptionEventLogResumeFromTheLogAsItIs() throws Exception {
    EventIterator watcher = subscribe(hubs.get(0), EVENTS, Map.of("role", "watcher"), null);
    JsonNode own = next(watcher);
    assertThat(own.get("topic").asText()).isEqualTo(EVENTS);

    server.restartWithoutData(); // the subscription events' log is gone with the rest
    // The hub ends the watcher's stream; it reconnects as a new subscriber and sees itself announced.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode again = null;
    while (again == null && System.nanoTime() < deadline) {
      SseEvent event = watcher.poll(Duration.ofSeconds(1));
      if (event != null) {
        JsonNode data = JSON.readTree(event.data());
        if (data.get("active").asBoolean() && data.get("topic").asText().equals(EVENTS)
            && !data.get("subscriber").asText().equals(own.get("subscriber").asText())) {
          again = data;
        }
      }
    }
    assertThat(again).as("the watcher's stream ended and it came back as a new subscriber").isNotNull();
  }

  private EventIterator watch(Hub hub) throws Exception {
    EventIterator watcher = subscribe(hub, EVENTS, Map.of("role", "watcher"), null);
    assertThat(next(watcher).get("topic").asText()).isEqualTo(EVENTS);
    return watcher;
  }

  private static JsonNode next(EventIterator events) throws Exception {
    SseEvent event = events.poll(Duration.ofSeconds(15));
    assertThat(event).as("a subscription event").isNotNull();
    return JSON.readTree(event.data());
  }

  private static JsonNode list(Hub hub) throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(LIST), Duration.ofHours(1), Instant.now());
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + hub.address().getPort() + LIST)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> topics(JsonNode collection) {
    List<String> topics = new ArrayList<>();
    collection.get("subscriptions").forEach(subscription -> topics.add(subscription.get("topic").asText()));
    return topics;
  }

  @Test
  void theApiOfAnyNodeListsTheSubscriptionsOfEveryNode() throws Exception {
    for (int i = 0; i < 3; i++) {
      subscribe(hubs.get(i), "https://example.com/node/" + i, null, null);
    }
    List<String> expected = List.of("https://example.com/node/0", "https://example.com/node/1",
        "https://example.com/node/2");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!topics(list(hubs.get(0))).containsAll(expected)) { // recorded off the request path: soon, not at once
      assertThat(System.nanoTime()).as("every subscription recorded").isLessThan(deadline);
      Thread.sleep(20);
    }
    for (Hub hub : hubs) {
      assertThat(topics(list(hub))).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void aSubscriptionOpenedAndClosedOnOneNodeIsAnnouncedToAWatcherOnAnother() throws Exception {
    EventIterator watcher = watch(hubs.get(2));
    EventIterator reader = subscribe(hubs.get(0), "https://example.com/books/1", Map.of("user", "alice"), null);

    JsonNode opened = next(watcher);
    assertThat(opened.get("topic").asText()).isEqualTo("https://example.com/books/1");
    assertThat(opened.get("active").asBoolean()).isTrue();
    assertThat(opened.get("payload").get("user").asText()).isEqualTo("alice");

    reader.close();
    JsonNode ended = next(watcher);
    assertThat(ended.get("subscriber").asText()).isEqualTo(opened.get("subscriber").asText());
    assertThat(ended.get("active").asBoolean()).isFalse();
  }

  @Test
  void theListsLastEventIdResumesTheEventsOnAnotherNode() throws Exception {
    EventIterator live = watch(hubs.get(0));
    String lastEventId = list(hubs.get(0)).get("lastEventID").asText();
    subscribe(hubs.get(1), "https://example.com/books/2", null, null); // a change after the list was read
    assertThat(next(live).get("topic").asText()).isEqualTo("https://example.com/books/2"); // in the log now

    EventIterator resumed = subscribe(hubs.get(2), EVENTS, null, lastEventId);

    assertThat(next(resumed).get("topic").asText()).isEqualTo("https://example.com/books/2");
  }
}
