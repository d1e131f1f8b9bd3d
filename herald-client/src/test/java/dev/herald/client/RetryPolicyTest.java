package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reconnection delays as pure arithmetic: no clock, the jitter's randomness injected. */
class RetryPolicyTest {
  private static final Duration THREE_SECONDS = Duration.ofSeconds(3);
  private static final RetryPolicy NO_JITTER = RetryPolicy.backoff().withJitter(0);

  private static Duration delay(RetryPolicy policy, int failures, Duration reconnectionTime,
      Duration retryAfter, double random) {
    return policy.delay(failures, reconnectionTime, retryAfter, () -> random);
  }

  @Test
  void firstFailureWaitsTheReconnectionTime() {
    assertThat(delay(NO_JITTER, 1, THREE_SECONDS, null, 0.7)).isEqualTo(THREE_SECONDS);
  }

  @Test
  void eachConsecutiveFailureDoublesTheDelay() {
    assertThat(delay(NO_JITTER, 2, Duration.ofSeconds(1), null, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(delay(NO_JITTER, 3, Duration.ofSeconds(1), null, 0)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void delayIsCappedAtTheMaximum() {
    assertThat(delay(NO_JITTER, 30, THREE_SECONDS, null, 0)).isEqualTo(RetryPolicy.DEFAULT_MAX_DELAY);
  }

  @Test
  void serverRetryLongerThanTheCapIsStillHonoured() {
    Duration serverRetry = Duration.ofMinutes(2);
    assertThat(delay(NO_JITTER, 5, serverRetry, null, 0)).isEqualTo(serverRetry);
  }

  @Test
  void jitterRemovesUpToItsShare() {
    RetryPolicy policy = RetryPolicy.backoff(); // up to half
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.5)).isEqualTo(Duration.ofSeconds(3));
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.999))
        .isBetween(Duration.ofMillis(2000), Duration.ofMillis(2010));
  }

  @Test
  void retryAfterLengthensTheWait() {
    assertThat(delay(NO_JITTER, 1, THREE_SECONDS, Duration.ofSeconds(20), 0))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void retryAfterNeverShortensTheWait() {
    assertThat(delay(NO_JITTER, 1, THREE_SECONDS, Duration.ofSeconds(1), 0)).isEqualTo(THREE_SECONDS);
  }

  @Test
  void retryAfterIsCapped() {
    assertThat(delay(NO_JITTER, 1, THREE_SECONDS, Duration.ofDays(3), 0))
        .isEqualTo(RetryPolicy.DEFAULT_MAX_RETRY_AFTER);
  }

  @Test
  void browserPolicyAlwaysWaitsExactlyTheReconnectionTime() {
    RetryPolicy browser = RetryPolicy.browser();
    assertThat(delay(browser, 1, THREE_SECONDS, null, 0.9)).isEqualTo(THREE_SECONDS);
    assertThat(delay(browser, 10, THREE_SECONDS, Duration.ofSeconds(60), 0.9)).isEqualTo(THREE_SECONDS);
  }

  @Test
  void withMethodsReturnChangedCopies() {
    RetryPolicy policy = RetryPolicy.backoff().withMultiplier(3).withMaxDelay(Duration.ofSeconds(9))
        .withResetAfter(Duration.ofSeconds(5)).withMaxRetryAfter(Duration.ZERO);
    assertThat(policy.multiplier()).isEqualTo(3);
    assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(9));
    assertThat(policy.resetAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryPolicy.backoff().multiplier()).isEqualTo(RetryPolicy.DEFAULT_MULTIPLIER);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(() -> RetryPolicy.backoff().withMultiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> RetryPolicy.backoff().withJitter(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    assertThatThrownBy(() -> RetryPolicy.backoff().withMaxDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
  }
}
