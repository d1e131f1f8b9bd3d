package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Publication values check their fields, become the Mercure form, and publisher options are validated. */
class PublicationTest {
  @Test
  void becomesTheMercureFormWithTopicsInOrderAndPrivateOn() {
    Publication publication = Publication.builder("https://e.com/a b").alternate("alt/1", "alt&2").data("x=1&y\n2")
        .id("id-1").type("update").retry(Duration.ofSeconds(3)).privateUpdate(true).build();

    assertThat(PublishCall.form(publication)).isEqualTo("topic=https%3A%2F%2Fe.com%2Fa+b&topic=alt%2F1&topic=alt%262"
        + "&data=x%3D1%26y%0A2&id=id-1&type=update&retry=3000&private=on");
  }

  @Test
  void absentFieldsAreNotSent() {
    assertThat(PublishCall.form(Publication.builder("t").build())).isEqualTo("topic=t");
    assertThat(PublishCall.form(Publication.of("t", "é"))).isEqualTo("topic=t&data=%C3%A9");
  }

  @Test
  void topicsAreCopiedAndTheFirstIsCanonical() {
    Publication publication = Publication.builder("first").alternate("second").build();
    assertThat(publication.topics()).containsExactly("first", "second");
    assertThatThrownBy(() -> publication.topics().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void invalidFieldsAreRefused() {
    assertThatThrownBy(() -> new Publication(List.of(), "d", null, null, null, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one topic");
    assertThatThrownBy(() -> Publication.builder("").build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Publication.builder("t").id("#x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'#'");
    assertThatThrownBy(() -> Publication.builder("t").id("a\nb").build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Publication.builder("t").type("a\rb").build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Publication.builder("t").retry(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyStatusesRetryingCanFixAreRetried() {
    assertThat(List.of(429, 502, 503, 504)).allMatch(PublishCall::retryable);
    assertThat(List.of(400, 401, 403, 404, 409, 413, 500)).noneMatch(PublishCall::retryable);
  }

  @Test
  void publisherOptionsAreValidated() {
    URI hub = URI.create("http://127.0.0.1:1/.well-known/mercure");
    assertThatThrownBy(() -> HubPublisher.builder(hub).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("token");
    assertThatThrownBy(() -> HubPublisher.builder(URI.create("ftp://h/"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubPublisher.builder(hub).maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubPublisher.builder(hub).maxInFlight(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubPublisher.builder(hub).token("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubPublisher.builder(hub).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConnectionThatCannotBeMadeFailsAfterEveryAttemptWithTheCause() {
    // Port 1 on loopback: refused at once, no wait for a timeout.
    try (HubPublisher publisher = HubPublisher.builder(URI.create("http://127.0.0.1:1/.well-known/mercure"))
        .token("t").maxAttempts(3).backoff(Duration.ZERO, Duration.ZERO).build()) {
      assertThatThrownBy(() -> publisher.publish("t", "d")).isInstanceOfSatisfying(PublishException.class, e -> {
        assertThat(e.status()).isZero();
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
      });
    }
  }

  @Test
  void aClosedPublisherRefusesAtOnce() {
    HubPublisher publisher = HubPublisher.builder(URI.create("http://127.0.0.1:1/.well-known/mercure")).token("t").build();
    publisher.close();

    assertThatThrownBy(() -> publisher.publish("t", "d")).isInstanceOfSatisfying(PublishException.class,
        e -> assertThat(e.attempts()).isZero());
  }
}
