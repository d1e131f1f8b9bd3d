package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content type and Retry-After reading. */
class ResponsesTest {
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

  private static HttpHeaders retryAfter(String value) {
    return HttpHeaders.of(Map.of("Retry-After", List.of(value)), (name, v) -> true);
  }

  @Test
  void eventStreamEssenceIgnoresParametersCaseAndSpaces() {
    assertThat(Responses.isEventStream("text/event-stream")).isTrue();
    assertThat(Responses.isEventStream(" TEXT/Event-Stream ; charset=UTF-8")).isTrue();
  }

  @Test
  void otherTypesAreNotEventStreams() {
    assertThat(Responses.isEventStream("")).isFalse();
    assertThat(Responses.isEventStream("text/plain")).isFalse();
    assertThat(Responses.isEventStream("text/event-streamx")).isFalse();
    assertThat(Responses.isEventStream("application/json; x=text/event-stream")).isFalse();
  }

  @Test
  void retryAfterInSeconds() {
    assertThat(Responses.retryAfter(retryAfter("120"), NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void retryAfterAsAnHttpDate() {
    assertThat(Responses.retryAfter(retryAfter("Sun, 22 Nov 2026 12:00:30 GMT"), NOW))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterInTheObsoleteRfc850Form() {
    assertThat(Responses.retryAfter(retryAfter("Sunday, 22-Nov-26 12:00:30 GMT"), NOW))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterInTheObsoleteAsctimeForm() {
    assertThat(Responses.retryAfter(retryAfter("Sun Nov 22 12:00:30 2026"), NOW)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Responses.httpDate("Tue Dec  1 12:00:00 2026", NOW)).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
  }

  @Test
  void anRfc850YearMoreThanFiftyYearsAheadIsInThePast() {
    assertThat(Responses.httpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(Responses.httpDate("Friday, 06-Nov-76 08:49:37 GMT", NOW)).isEqualTo(Instant.parse("2076-11-06T08:49:37Z"));
  }

  @Test
  void retryAfterInThePastIsZero() {
    assertThat(Responses.retryAfter(retryAfter("Sun, 22 Nov 2026 11:00:00 GMT"), NOW)).isZero();
  }

  @Test
  void unreadableOrMissingRetryAfterIsNull() {
    assertThat(Responses.retryAfter(retryAfter("soon"), NOW)).isNull();
    assertThat(Responses.retryAfter(retryAfter("-5"), NOW)).isNull();
    assertThat(Responses.retryAfter(HttpHeaders.of(Map.of(), (n, v) -> true), NOW)).isNull();
  }
}
