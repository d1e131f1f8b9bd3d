package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The short-lived memory of tokens already verified. */
class VerifiedTokensTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(5);
  private final MutableClock clock = new MutableClock(START);
  private static final Object KEYS = new Object();
  private final VerifiedTokens tokens = new VerifiedTokens(clock, SKEW);

  private static Claims expiringAt(Instant expiresAt) {
    return new Claims(List.of(), List.of(), null, expiresAt);
  }

  @Test
  void aVerifiedTokenGivesItsClaimsBack() {
    Claims claims = expiringAt(START.plus(Duration.ofHours(1)));
    tokens.put("token", KEYS, claims);
    assertThat(tokens.get("token", KEYS)).isSameAs(claims);
  }

  @Test
  void anotherTokenIsNotThere() {
    tokens.put("token", KEYS, expiringAt(null));
    assertThat(tokens.get("token2", KEYS)).isNull();
  }

  @Test
  void anEntryEndsWhenItsTokenExpiresWithTheClockSkew() {
    tokens.put("token", KEYS, expiringAt(START.plusSeconds(10)));
    clock.advance(Duration.ofMillis(14_999));
    assertThat(tokens.get("token", KEYS)).isNotNull();
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.get("token", KEYS)).isNull();
  }

  @Test
  void anEntryEndsAfterTheTimeToLiveEvenIfItsTokenLivesLonger() {
    tokens.put("token", KEYS, expiringAt(START.plus(Duration.ofHours(1))));
    clock.advance(VerifiedTokens.TTL.minusMillis(1));
    assertThat(tokens.get("token", KEYS)).isNotNull();
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.get("token", KEYS)).isNull();
    assertThat(tokens.size()).as("the stale entry is dropped").isZero();
  }

  @Test
  void aTokenWithoutExpiryLastsTheTimeToLive() {
    tokens.put("token", KEYS, expiringAt(null));
    clock.advance(VerifiedTokens.TTL);
    assertThat(tokens.get("token", KEYS)).isNull();
  }

  @Test
  void aTokenVerifiedWithOtherKeysIsVerifiedAgain() {
    tokens.put("token", KEYS, expiringAt(null));
    assertThat(tokens.get("token", new Object())).isNull();
  }

  @Test
  void whenFullItStartsOver() {
    for (int i = 0; i < VerifiedTokens.MAX_ENTRIES; i++) {
      tokens.put("token" + i, KEYS, expiringAt(null));
    }
    tokens.put("one more", KEYS, expiringAt(null));
    assertThat(tokens.size()).isEqualTo(1);
    assertThat(tokens.get("one more", KEYS)).isNotNull();
  }
}
