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
  void jitterAddsUpToItsShare() {
    RetryPolicy policy = RetryPolicy.backoff(); // up to half more
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.5)).isEqualTo(Duration.ofSeconds(5));
    assertThat(delay(policy, 1, Duration.ofSeconds(4), null, 0.999))
        .isBetween(Duration.ofMillis(5990), Duration.ofMillis(6000));
  }

  @Test
  void jitterNeverWaitsLessThanTheServersRetry() {
    // A server that sends retry: 1500 must not see the client back after 750 ms.
    Duration retry = Duration.ofMillis(1500);
    assertThat(delay(RetryPolicy.backoff(), 1, retry, null, 0.999)).isGreaterThanOrEqualTo(retry);
    Duration shedding = Duration.ofSeconds(10);
    assertThat(delay(RetryPolicy.backoff(), 1, shedding, null, 0.999)).isGreaterThanOrEqualTo(shedding);
  }

  @Test
  void noDelayIsBelowTheReconnectionTimeOrRetryAfterWhateverTheRandomValue() {
    java.util.Random seeded = new java.util.Random(14);
    for (int i = 0; i < 10_000; i++) {
      RetryPolicy policy = RetryPolicy.backoff().withJitter(seeded.nextDouble())
          .withMultiplier(1 + seeded.nextInt(4)).withMaxDelay(Duration.ofMillis(seeded.nextInt(60_000)));
      Duration reconnection = Duration.ofMillis(seeded.nextInt(120_000));
      Duration retryAfter = seeded.nextBoolean() ? null : Duration.ofMillis(seeded.nextInt(1_200_000));
      int failures = 1 + seeded.nextInt(20);
      double random = seeded.nextDouble();

      Duration waited = delay(policy, failures, reconnection, retryAfter, random);

      assertThat(waited).as("policy %s, failure %d, reconnection %s, random %s", policy, failures,
          reconnection, random).isGreaterThanOrEqualTo(reconnection);
      if (retryAfter != null) {
        Duration honoured = retryAfter.compareTo(policy.maxRetryAfter()) < 0 ? retryAfter : policy.maxRetryAfter();
        assertThat(waited).isGreaterThanOrEqualTo(honoured);
      }
    }
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
