package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mercure's active subscriptions ({@code --subscriptions}): the events and the API. */
class PresenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENTS = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  private static final String BOOK = "https://example.com/books/1";

  private HubFixture fixture;

  @BeforeEach
  void start() throws InterruptedException {
    fixture = new HubFixture(builder -> builder.anonymous(true).subscriptions(true));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aSubscriptionIsAnnouncedActiveThenInactiveWithItsTokensPayload() throws Exception {
    try (EventIterator watcher = watch(EVENTS)) {
      EventIterator reader = subscribeAs(Map.of("user", "alice"), BOOK);
      JsonNode opened = data(watcher.poll(Duration.ofSeconds(10)));
      assertThat(opened.get("@context").asText()).isEqualTo("https://mercure.rocks/");
      assertThat(opened.get("type").asText()).isEqualTo("Subscription");
      assertThat(opened.get("topic").asText()).isEqualTo(BOOK);
      assertThat(opened.get("active").asBoolean()).isTrue();
      assertThat(opened.get("payload").get("user").asText()).isEqualTo("alice");
      String subscriber = opened.get("subscriber").asText();
      assertThat(subscriber).startsWith("urn:uuid:");
      java.util.UUID uuid = java.util.UUID.fromString(subscriber.substring("urn:uuid:".length()));
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(opened.get("id").asText()).isEqualTo("/.well-known/mercure/subscriptions/"
          + "https%3A%2F%2Fexample.com%2Fbooks%2F1/" + SubscriptionTopics.encode(subscriber));

      reader.close();
      JsonNode ended = data(watcher.poll(Duration.ofSeconds(10)));
      assertThat(ended.get("active").asBoolean()).isFalse();
      assertThat(ended.get("id").asText()).isEqualTo(opened.get("id").asText());
    }
  }

  @Test
  void oneConnectionWithSeveralSelectorsHasOneSubscriberAndOneEventPerSelector() throws Exception {
    try (EventIterator watcher = watch(EVENTS);
        EventIterator reader = fixture.subscribe(BOOK, "https://example.com/authors/{id}")) {
      JsonNode first = data(watcher.poll(Duration.ofSeconds(10)));
      JsonNode second = data(watcher.poll(Duration.ofSeconds(10)));
      assertThat(List.of(first.get("topic").asText(), second.get("topic").asText()))
          .containsExactlyInAnyOrder(BOOK, "https://example.com/authors/{id}");
      assertThat(first.get("subscriber").asText()).isEqualTo(second.get("subscriber").asText());
    }
  }

  @Test
  void subscriptionEventsArePrivate() throws Exception {
    try (EventIterator allowed = watch(EVENTS);
        EventIterator anonymous = fixture.subscribe(EVENTS);
        EventIterator reader = fixture.subscribe(BOOK)) {
      assertThat(data(allowed.poll(Duration.ofSeconds(10))).get("topic").asText()).isEqualTo(EVENTS); // anonymous's
      assertThat(data(allowed.poll(Duration.ofSeconds(10))).get("topic").asText()).isEqualTo(BOOK); // the reader's
      assertThat(anonymous.poll(Duration.ofMillis(300))).as("the events reached the allowed watcher first").isNull();
    }
  }

  @Test
  void theApiListsTheActiveSubscriptionsAsJsonLd() throws Exception {
    try (EventIterator watcher = watch(EVENTS); EventIterator reader = fixture.subscribe(BOOK)) {
      data(watcher.poll(Duration.ofSeconds(10))); // recorded: the registry is written before the event
      HttpResponse<String> response = api("/.well-known/mercure/subscriptions",
          List.of(EVENTS, "/.well-known/mercure/subscriptions"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
          assertThat(type).startsWith("application/ld+json"));
      JsonNode document = JSON.readTree(response.body());
      assertThat(document.get("type").asText()).isEqualTo("Subscriptions");
      assertThat(document.get("id").asText()).isEqualTo("/.well-known/mercure/subscriptions");
      assertThat(document.get("lastEventID").asText()).isNotBlank();
      assertThat(topics(document)).contains(BOOK);
    }
  }

  @Test
  void theApiListsOneSelectorsSubscriptionsAndOneSubscription() throws Exception {
    try (EventIterator watcher = watch(EVENTS);
        EventIterator reader = fixture.subscribe(BOOK);
        EventIterator other = fixture.subscribe("https://example.com/books/2")) {
      String subscriber = null;
      for (int i = 0; i < 2 && subscriber == null; i++) {
        JsonNode event = data(watcher.poll(Duration.ofSeconds(10)));
        if (event.get("topic").asText().equals(BOOK)) {
          subscriber = event.get("subscriber").asText();
        }
      }
      assertThat(subscriber).isNotNull();
      String collection = SubscriptionTopics.collectionOf(BOOK);
      JsonNode forBook = JSON.readTree(api(collection, List.of(EVENTS)).body());
      assertThat(topics(forBook)).containsExactly(BOOK);
      assertThat(forBook.get("id").asText()).isEqualTo(collection);

      HttpResponse<String> single = api(SubscriptionTopics.of(BOOK, subscriber), List.of(EVENTS));
      assertThat(single.statusCode()).isEqualTo(200);
      JsonNode document = JSON.readTree(single.body());
      assertThat(document.get("subscriber").asText()).isEqualTo(subscriber);
      assertThat(document.get("active").asBoolean()).isTrue();
      assertThat(document.has("lastEventID")).isTrue();

      assertThat(api(SubscriptionTopics.of(BOOK, "urn:uuid:00000000-0000-0000-0000-000000000000"), List.of(EVENTS))
          .statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theApiNeedsATokenThatSelectsTheRequestedUrl() throws Exception {
    assertThat(fixture.get(fixture.uri("/.well-known/mercure/subscriptions")).statusCode()).isEqualTo(401);
    assertThat(api("/.well-known/mercure/subscriptions", List.of("https://example.com/{anything}")).statusCode())
        .isEqualTo(403);
    String collection = SubscriptionTopics.collectionOf(BOOK);
    assertThat(api(collection, List.of(collection)).statusCode()).isEqualTo(200);
    assertThat(api("/.well-known/mercure/subscriptions", List.of(collection)).statusCode()).isEqualTo(403);
  }

  @Test
  void followingTheEventsFromTheListsLastEventIdMissesNoChange() throws Exception {
    String lastEventId = JSON.readTree(api("/.well-known/mercure/subscriptions", List.of(EVENTS,
        "/.well-known/mercure/subscriptions")).body()).get("lastEventID").asText();
    try (EventIterator reader = fixture.subscribe(BOOK); // changes the list after it was read
        EventIterator watcher = fixture.subscribe(EventSource.builder(fixture.subscribeUri(EVENTS))
            .header("Authorization", "Bearer " + HubFixture.token(List.of(), List.of(EVENTS)))
            .lastEventId(lastEventId))) {
      JsonNode missed = data(watcher.poll(Duration.ofSeconds(10)));
      assertThat(missed.get("topic").asText()).isEqualTo(BOOK);
      assertThat(missed.get("active").asBoolean()).isTrue();
      assertThat(data(watcher.poll(Duration.ofSeconds(10))).get("topic").asText()).isEqualTo(EVENTS); // its own
    }
  }

  @Test
  void publishersMayNotPublishInTheHubsNamespace() throws Exception {
    for (String topic : List.of("/.well-known/mercure/subscriptions/x/urn%3Auuid%3A1",
        "https://evil.example/.well-known/mercure/subscriptions/x/y", "/.well-known/mercure")) {
      HttpResponse<String> response = fixture.publish(HubFixture.publisherToken(), "topic", topic, "data", "forged");
      assertThat(response.statusCode()).as(topic).isEqualTo(403);
      assertThat(response.body()).contains("reserved_topic");
    }
  }

  @Test
  void subscriptionEventsAndOrdinaryTopicsCannotShareAConnection() throws Exception {
    HttpResponse<String> response = fixture.get(fixture.subscribeUri(EVENTS, BOOK));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("mixed_selectors");
  }

  @Test
  void aReconnectStormLeavesTheUpdatesRetentionAlone() throws Exception {
    fixture.close();
    fixture = new HubFixture(builder -> builder.anonymous(true).subscriptions(true)
        .eventLog(() -> new MemoryEventLog(100, new IdGenerator())));
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      published.add(fixture.publishOk("topic", BOOK, "data", "update " + i));
    }
    for (int i = 0; i < 200; i++) { // 400 subscription events, four times the log's capacity
      fixture.subscribe(BOOK).close();
    }
    List<String> replayed = new ArrayList<>();
    try (EventIterator reader = fixture.subscribe(EventSource.builder(fixture.subscribeUri(BOOK))
        .lastEventId("earliest"))) {
      for (int i = 0; i < 50; i++) {
        SseEvent event = reader.poll(Duration.ofSeconds(10));
        assertThat(event).isNotNull();
        replayed.add(event.id());
      }
    }
    assertThat(replayed).isEqualTo(published);
  }

  @Test
  void withoutSubscriptionsTheApiIsNotThere() throws Exception {
    fixture.close();
    fixture = new HubFixture(builder -> builder.anonymous(true));
    assertThat(api("/.well-known/mercure/subscriptions", List.of("*")).statusCode()).isEqualTo(404);
  }

  /** A watcher of subscription events, once it has seen its own subscription announced. */
  private EventIterator watch(String selector) throws Exception {
    EventIterator watcher = fixture.subscribe(EventSource.builder(fixture.subscribeUri(selector))
        .header("Authorization", "Bearer " + HubFixture.token(List.of(), List.of(selector))));
    assertThat(data(watcher.poll(Duration.ofSeconds(10))).get("topic").asText()).isEqualTo(selector);
    return watcher;
  }

  private EventIterator subscribeAs(Object payload, String selector) throws InterruptedException {
    String token = Tokens.hmac(HubFixture.SECRET, List.of(), List.of(), payload, Duration.ofHours(1), Instant.now());
    return fixture.subscribe(EventSource.builder(fixture.subscribeUri(selector))
        .header("Authorization", "Bearer " + token));
  }

  private HttpResponse<String> api(String path, List<String> subscribe) throws Exception {
    return fixture.get(fixture.uri(path), "Authorization", "Bearer " + HubFixture.token(List.of(), subscribe));
  }

  private static JsonNode data(SseEvent event) throws Exception {
    assertThat(event).as("a subscription event").isNotNull();
    return JSON.readTree(event.data());
  }

  private static List<String> topics(JsonNode collection) {
    List<String> topics = new ArrayList<>();
    collection.get("subscriptions").forEach(subscription -> topics.add(subscription.get("topic").asText()));
    return topics;
  }


}
