package dev.herald.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Mints Mercure JWTs (HS256, signed with a shared secret of at least 32 bytes, as the hub requires):
 * {@link #publisher} tokens carry claim {@code mercure.publish}, {@link #subscriber} tokens claim
 * {@code mercure.subscribe} (the topic selectors whose private updates the holder may receive). Each
 * has {@code iat} now and {@code exp} {@code ttl} later. A web app typically mints a subscriber token
 * per user and hands it to the browser as a cookie with {@link SubscriberCookie}. Thread-safe,
 * stateless.
 */
public final class HubTokens {
  private HubTokens() {}

  /** A token that may publish to topics matching {@code selectors} ({@code "*"}: any topic). */
  public static String publisher(String secret, List<String> selectors, Duration ttl) {
    return mint(secret, "publish", selectors, ttl);
  }

  /** A token whose holder receives the private updates of topics matching {@code selectors}. */
  public static String subscriber(String secret, List<String> selectors, Duration ttl) {
    return mint(secret, "subscribe", selectors, ttl);
  }

  private static String mint(String secret, String kind, List<String> selectors, Duration ttl) {
    List<String> copy = List.copyOf(Objects.requireNonNull(selectors, "selectors"));
    Checks.requireNotNegative(ttl, "ttl");
    if (ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    Instant now = Instant.now();
    return Jws.mint(Jws.key(secret), kind, copy, now, now.plus(ttl));
  }
}
