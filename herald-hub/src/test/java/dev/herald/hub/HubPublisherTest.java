package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.HubPublisher;
import dev.herald.client.HubTokens;
import dev.herald.client.Publication;
import dev.herald.client.PublishException;
import dev.herald.client.SubscriberCookie;
import dev.herald.log.ForwardingEventLog;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.UnconfirmedException;
import dev.herald.log.Update;
import dev.herald.sse.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * herald-client's {@link HubPublisher} and token helpers against a real hub: what it publishes arrives
 * with the id it returns, refusals throw at once with the hub's reason, retries keep one id so the
 * hub stores the update once, and the subscriber cookie is accepted.
 */
class HubPublisherTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  // Retry-After (1 s from the hub) is capped at the maximum: the tests do not wait for it.
  private static final Duration FAST = Duration.ofMillis(20);

  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private HubPublisher.Builder publisher() {
    return HubPublisher.builder(fixture.uri(Hub.PATH)).jwtSecret(HubFixture.SECRET).backoff(Duration.ofMillis(1), FAST);
  }

  private static SseEvent next(EventIterator events) {
    SseEvent event = events.poll(BOUND);
    assertThat(event).as("an event within " + BOUND).isNotNull();
    return event;
  }

  @Test
  void publishedUpdateReachesASubscriberWithTheIdPublishReturned() throws Exception {
    fixture = new HubFixture();
    try (HubPublisher publisher = publisher().build(); EventIterator events = fixture.subscribe("books/{id}")) {
      String id = publisher.publish("books/1", "first\nsecond");

      SseEvent event = next(events);
      assertThat(event.id()).isEqualTo(id).startsWith("urn:uuid:");
      assertThat(event.data()).isEqualTo("first\nsecond");
    }
  }

  @Test
  void everyOptionReachesTheSubscriber() throws Exception {
    fixture = new HubFixture();
    try (HubPublisher publisher = publisher().build(); EventIterator events = fixture.subscribe("alt/2")) {
      String id = publisher.publishAsync(Publication.builder("canonical/1").alternate("alt/2").data("d")
          .id("my-id").type("created").retry(Duration.ofSeconds(7)).build()).get();

      SseEvent event = next(events);
      assertThat(id).isEqualTo("my-id");
      assertThat(event.id()).isEqualTo("my-id");
      assertThat(event.type()).isEqualTo("created");
      assertThat(event.data()).isEqualTo("d");
    }
  }

  @Test
  void aWrongSecretThrowsAtOnceWithTheHubsReason() throws Exception {
    fixture = new HubFixture();
    try (HubPublisher publisher = HubPublisher.builder(fixture.uri(Hub.PATH))
        .jwtSecret("another-secret-of-at-least-32-bytes!!").build()) {
      assertThatThrownBy(() -> publisher.publish("t", "d")).isInstanceOfSatisfying(PublishException.class, e -> {
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.code()).isEqualTo("invalid_token");
        assertThat(e.reason()).startsWith("invalid_token: ");
      });
    }
  }

  @Test
  void aTopicTheTokenMayNotPublishToThrowsForbiddenAtOnce() throws Exception {
    fixture = new HubFixture();
    try (HubPublisher publisher = HubPublisher.builder(fixture.uri(Hub.PATH))
        .jwtSecret(HubFixture.SECRET, List.of("mine/{id}")).build()) {
      assertThat(publisher.publish("mine/1", "ok")).isNotEmpty();
      assertThatThrownBy(() -> publisher.publish("theirs/1", "d")).isInstanceOfSatisfying(PublishException.class,
          e -> assertThat(e.status()).isEqualTo(403));
    }
  }

  @Test
  void anIdConflictThrowsAtOnce() throws Exception {
    fixture = new HubFixture();
    try (HubPublisher publisher = publisher().build()) {
      publisher.publish(Publication.builder("t").id("same").data("one").build());

      assertThatThrownBy(() -> publisher.publish(Publication.builder("t").id("same").data("two").build()))
          .isInstanceOfSatisfying(PublishException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("id_conflict");
            assertThat(e.attempts()).isEqualTo(1);
          });
    }
  }

  @Test
  void retriesAfter503KeepTheGeneratedIdAndTheHubStoresTheUpdateOnce() throws Exception {
    AtomicInteger appends = new AtomicInteger();
    List<String> idsSent = new ArrayList<>();
    // The worst case for a publisher: the store keeps the update but cannot confirm it, twice.
    ForwardingEventLog unconfirmed = new ForwardingEventLog(new MemoryEventLog(100, new IdGenerator())) {
      @Override
      public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
        synchronized (idsSent) {
          updates.forEach(update -> idsSent.add(update.id()));
        }
        CompletableFuture<List<Entry>> stored = super.appendAsync(updates);
        if (appends.incrementAndGet() > 2 || updates.get(0).topics().contains("marker")) {
          return stored;
        }
        return stored.thenCompose(entries -> CompletableFuture.failedFuture(new UnconfirmedException("injected")));
      }
    };
    fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(unconfirmed));

    try (HubPublisher publisher = publisher().build()) {
      String id = publisher.publish("t", "once");
      String marker = publisher.publish("marker", "after");

      assertThat(appends.get()).as("two 503s, then the acknowledged attempt, then the marker").isEqualTo(4);
      synchronized (idsSent) {
        assertThat(idsSent.subList(0, 3)).containsOnly(id);
      }
      try (EventIterator replay = fixture.subscribe(
          EventSource.builder(fixture.subscribeUri("t", "marker")).lastEventId("earliest"))) {
        assertThat(next(replay).id()).isEqualTo(id);
        assertThat(next(replay).id()).as("stored once: the next event is the marker").isEqualTo(marker);
      }
    }
  }

  @Test
  void aRateLimitedPublishIsRetriedThenThrowsTheLast429() throws Exception {
    // 0.01/s: the bucket cannot refill during the test, however slow the machine.
    fixture = new HubFixture(builder -> builder.anonymous(true).publishRate(0.01, 1));
    try (HubPublisher publisher = publisher().maxAttempts(3).build()) {
      publisher.publish("t", "allowed");

      assertThatThrownBy(() -> publisher.publish("t", "refused")).isInstanceOfSatisfying(PublishException.class,
          e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate_limited");
            assertThat(e.attempts()).isEqualTo(3);
          });
    }
  }

  @Test
  void theSubscriberCookieIsAcceptedAndReceivesPrivateUpdates() throws Exception {
    fixture = new HubFixture(); // anonymous subscribers allowed, but they never see private updates
    String jwt = HubTokens.subscriber(HubFixture.SECRET, List.of("users/42/{+rest}"), Duration.ofHours(1));
    String setCookie = SubscriberCookie.builder(jwt).secure(false).maxAge(Duration.ofHours(1)).build().headerValue();
    String cookie = setCookie.substring(0, setCookie.indexOf(';')); // what a browser sends back

    try (HubPublisher publisher = publisher().build();
        EventIterator events = fixture.subscribe(
            EventSource.builder(fixture.subscribeUri("users/42/{+rest}")).header("Cookie", cookie))) {
      String id = publisher.publish(Publication.builder("users/42/inbox").data("secret").privateUpdate(true).build());

      SseEvent event = next(events);
      assertThat(event.id()).isEqualTo(id);
      assertThat(event.data()).isEqualTo("secret");
    }
  }
}
