package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code publishRate}: a token over its rate gets 429 with Retry-After and nothing is stored; other
 * tokens are unaffected; failed attempts are throttled per client address.
 */
class PublishRateLimitTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void tokenOverItsRateGets429WithRetryAfter() throws Exception {
    // 0.01/s: the bucket cannot refill during the test, however slow the machine.
    fixture = new HubFixture(builder -> builder.anonymous(true).publishRate(0.01, 2));
    String token = HubFixture.publisherToken();

    assertThat(fixture.publish(token, "topic", "t", "data", "1").statusCode()).isEqualTo(200);
    assertThat(fixture.publish(token, "topic", "t", "data", "2").statusCode()).isEqualTo(200);
    HttpResponse<String> third = fixture.publish(token, "topic", "t", "data", "3");

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).startsWith("rate_limited:");
    assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 100L));
  }

  @Test
  void refusedPublishIsNotStored() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).publishRate(0.01, 1));
    String token = HubFixture.publisherToken();
    String first = fixture.publish(token, "topic", "t", "data", "kept").body();
    assertThat(fixture.publish(token, "topic", "t", "data", "refused").statusCode()).isEqualTo(429);
    String last = fixture.publish(HubFixture.token(List.of("*"), List.of("other")), "topic", "t", "data", "later")
        .body();

    try (EventIterator replay = fixture.subscribe(
        EventSource.builder(fixture.subscribeUri("t")).lastEventId("earliest"))) {
      assertThat(replay.poll(Duration.ofSeconds(10)).id()).isEqualTo(first);
      assertThat(replay.poll(Duration.ofSeconds(10)).id()).as("the refused update is not in between").isEqualTo(last);
    }
  }

  @Test
  void otherTokensKeepTheirOwnRate() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).publishRate(0.01, 1));
    String greedy = HubFixture.token(List.of("*"), List.of("a"));
    String other = HubFixture.token(List.of("*"), List.of("b"));
    fixture.publish(greedy, "topic", "t", "data", "1");

    assertThat(fixture.publish(greedy, "topic", "t", "data", "2").statusCode()).isEqualTo(429);
    assertThat(fixture.publish(other, "topic", "t", "data", "3").statusCode()).isEqualTo(200);
  }

  @Test
  void failedAttemptsAreThrottledPerAddress() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).publishRate(0.01, 2));
    // A different forged token each time: the address pays, whatever the token says.
    String forged = "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdfX0.forged-signature-";

    assertThat(fixture.publish(forged + 1, "topic", "t").statusCode()).isEqualTo(401);
    assertThat(fixture.publish(forged + 2, "topic", "t").statusCode()).isEqualTo(401);
    assertThat(fixture.publish(forged + 3, "topic", "t").statusCode()).isEqualTo(429);
    assertThat(fixture.publish(HubFixture.publisherToken(), "topic", "t").statusCode())
        .as("a valid token has its own bucket").isEqualTo(200);
  }

  @Test
  void withoutARateNothingIsLimited() throws Exception {
    fixture = new HubFixture();
    String token = HubFixture.publisherToken();
    for (int i = 0; i < 50; i++) {
      assertThat(fixture.publish(token, "topic", "t", "data", Integer.toString(i)).statusCode()).isEqualTo(200);
    }
  }
}
