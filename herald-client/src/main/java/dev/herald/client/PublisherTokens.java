package dev.herald.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The publisher's bearer token: one given, or minted from the secret and re-minted when less than a
 * fifth of its lifetime remains, so a request never leaves with a token about to expire in flight
 * (nor one the hub's clock, a little ahead, already sees as expired).
 */
final class PublisherTokens implements Supplier<String> {
  static final Duration TTL = Duration.ofMinutes(5);

  private final byte[] key;
  private final List<String> selectors;
  private volatile Minted current;

  private record Minted(String token, Instant renewAt) {}

  private PublisherTokens(byte[] key, List<String> selectors) {
    this.key = key;
    this.selectors = selectors;
  }

  static Supplier<String> minting(String secret, List<String> selectors) {
    return new PublisherTokens(Jws.key(secret), List.copyOf(selectors));
  }

  @Override
  public String get() {
    Minted minted = current;
    Instant now = Instant.now();
    if (minted == null || !now.isBefore(minted.renewAt())) {
      // Racing threads may both mint: harmless, each token is valid, and no lock is held on a hot path.
      minted = new Minted(Jws.mint(key, "publish", selectors, now, now.plus(TTL)),
          now.plus(TTL.multipliedBy(4).dividedBy(5)));
      current = minted;
    }
    return minted.token();
  }
}
