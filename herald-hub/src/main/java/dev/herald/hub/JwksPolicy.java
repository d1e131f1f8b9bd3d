package dev.herald.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * How a JWKS-backed {@link JwtVerifier} fetches and caches its key set. A fetched set is used for
 * {@link #timeToLive()}; after that the next token triggers a refetch. A token whose {@code kid} is not
 * in the set triggers a refetch too, but fetches start at most once per {@link #minRefreshInterval()},
 * so a flood of made-up key ids cannot hammer the JWKS server. When a refetch fails, the last set stays
 * in use for up to {@link #maxStale()} past its time to live (an outage of the JWKS server does not lock
 * everyone out at once); beyond that every token is refused until a fetch succeeds. Each fetch is
 * bounded by {@link #fetchTimeout()} (connecting and the whole response) and {@link #maxBytes()}.
 */
record JwksPolicy(Duration timeToLive, Duration minRefreshInterval, Duration maxStale,
    Duration fetchTimeout, int maxBytes) {
  /** Default time a fetched key set is used before it is fetched again: 5 minutes. */
  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(5);
  /** Default least time between two fetches: 30 seconds. */
  public static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
  /** Default time past its time to live a key set is still used while fetches fail: 1 hour. */
  public static final Duration DEFAULT_MAX_STALE = Duration.ofHours(1);
  /** Default bound on one fetch, connection included: 5 seconds. */
  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(5);
  /** Default largest JWKS response accepted: 512 KiB. */
  public static final int DEFAULT_MAX_BYTES = 512 * 1024;
  /** The defaults above. */
  public static final JwksPolicy DEFAULT = new JwksPolicy(DEFAULT_TIME_TO_LIVE, DEFAULT_MIN_REFRESH_INTERVAL,
      DEFAULT_MAX_STALE, DEFAULT_FETCH_TIMEOUT, DEFAULT_MAX_BYTES);

  /** Checks every bound: durations not negative, the time to live and fetch timeout positive. */
  public JwksPolicy {
    Objects.requireNonNull(timeToLive, "timeToLive");
    Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    Objects.requireNonNull(maxStale, "maxStale");
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    if (timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("the JWKS time to live must be positive: " + timeToLive);
    }
    if (minRefreshInterval.isNegative() || maxStale.isNegative()) {
      throw new IllegalArgumentException("JWKS refresh interval and stale period must not be negative");
    }
    if (fetchTimeout.isNegative() || fetchTimeout.isZero()) {
      throw new IllegalArgumentException("the JWKS fetch timeout must be positive: " + fetchTimeout);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("the JWKS size limit must be positive: " + maxBytes);
    }
  }

  /** A copy with another time to live. */
  public JwksPolicy withTimeToLive(Duration ttl) {
    return new JwksPolicy(ttl, minRefreshInterval, maxStale, fetchTimeout, maxBytes);
  }

  /** A copy with another least time between fetches. */
  public JwksPolicy withMinRefreshInterval(Duration interval) {
    return new JwksPolicy(timeToLive, interval, maxStale, fetchTimeout, maxBytes);
  }

  /** A copy with another stale period. */
  public JwksPolicy withMaxStale(Duration stale) {
    return new JwksPolicy(timeToLive, minRefreshInterval, stale, fetchTimeout, maxBytes);
  }

  /** A copy with another fetch timeout. */
  public JwksPolicy withFetchTimeout(Duration timeout) {
    return new JwksPolicy(timeToLive, minRefreshInterval, maxStale, timeout, maxBytes);
  }

  /** A copy with another response size limit. */
  public JwksPolicy withMaxBytes(int bytes) {
    return new JwksPolicy(timeToLive, minRefreshInterval, maxStale, fetchTimeout, bytes);
  }
}
