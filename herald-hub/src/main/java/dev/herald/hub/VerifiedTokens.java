package dev.herald.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and times were checked a moment ago, with their claims: a publisher sends
 * the same token with every update, and parsing and verifying it each time was a tenth of a busy
 * hub's publish path. Only byte-identical tokens hit; an entry lasts until the token expires (with
 * the same clock skew the check allows) or {@link #TTL} after its check, whichever comes first, and
 * only while the keys are those it was verified with (a JWKS fetched again makes every token be
 * verified again, so a withdrawn key stops being honoured at once). Refusals are never cached.
 * At most {@link #MAX_ENTRIES} entries: when full it starts over rather than tracking recency.
 */
final class VerifiedTokens {
  static final Duration TTL = Duration.ofSeconds(60);
  static final int MAX_ENTRIES = 10_000;

  private record Entry(Claims claims, Instant validUntil, Object keys) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration clockSkew;

  VerifiedTokens(Clock clock, Duration clockSkew) {
    this.clock = clock;
    this.clockSkew = clockSkew;
  }

  /**
   * The claims of {@code token} if it was verified with these {@code keys} (a {@link KeySource}
   * generation) and is still within its entry's time, else null.
   */
  Claims get(String token, Object keys) {
    Entry entry = entries.get(token);
    if (entry == null) {
      return null;
    }
    if (entry.keys() != keys || !clock.instant().isBefore(entry.validUntil())) {
      entries.remove(token, entry);
      return null;
    }
    return entry.claims();
  }

  /** Remembers that {@code token} was just verified, with these keys, to these claims. */
  void put(String token, Object keys, Claims claims) {
    Instant until = clock.instant().plus(TTL);
    if (claims.expiresAt() != null && claims.expiresAt().plus(clockSkew).isBefore(until)) {
      until = claims.expiresAt().plus(clockSkew);
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(token, new Entry(claims, until, keys));
  }

  int size() {
    return entries.size();
  }
}
