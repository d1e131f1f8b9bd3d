package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which failures each built-in policy retries. */
class ErrorPolicyTest {
  private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

  private static HttpStatusException status(int code) {
    return new HttpStatusException(code, NO_HEADERS, "");
  }

  @Test
  void resilientRetriesNetworkErrorsTimeoutsAndTransientStatuses() {
    assertThat(ErrorPolicy.RESILIENT.shouldRetry(new ConnectionException("lost", null))).isTrue();
    assertThat(ErrorPolicy.RESILIENT.shouldRetry(new ReadTimeoutException(Duration.ofSeconds(1)))).isTrue();
    for (int code : new int[] {500, 502, 503, 504, 599, 408, 429}) {
      assertThat(ErrorPolicy.RESILIENT.shouldRetry(status(code))).as("status %d", code).isTrue();
    }
  }

  @Test
  void resilientGivesUpOnClientErrorsAndWrongContent() {
    for (int code : new int[] {400, 401, 403, 404, 405, 410, 204, 301}) {
      assertThat(ErrorPolicy.RESILIENT.shouldRetry(status(code))).as("status %d", code).isFalse();
    }
    assertThat(ErrorPolicy.RESILIENT.shouldRetry(new ContentTypeException("text/html", NO_HEADERS))).isFalse();
    assertThat(ErrorPolicy.RESILIENT.shouldRetry(new EventSourceException("limit", null))).isFalse();
  }

  @Test
  void browserRetriesOnlyNetworkErrors() {
    assertThat(ErrorPolicy.BROWSER.shouldRetry(new ConnectionException("lost", null))).isTrue();
    assertThat(ErrorPolicy.BROWSER.shouldRetry(status(503))).isFalse();
    assertThat(ErrorPolicy.BROWSER.shouldRetry(status(429))).isFalse();
  }

  @Test
  void neverRetriesAnything() {
    assertThat(ErrorPolicy.NEVER.shouldRetry(new ConnectionException("lost", null))).isFalse();
  }
}
