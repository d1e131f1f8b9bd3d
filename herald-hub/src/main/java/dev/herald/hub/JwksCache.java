package dev.herald.hub;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The cached key set of one JWKS URL and when to fetch it again, per {@link JwksPolicy}. Never blocks
 * its caller: answers are futures, already complete whenever no fetch has to be waited for. At most
 * one fetch runs at a time and every caller that must wait shares it; fetches start at most once per
 * {@link JwksPolicy#minRefreshInterval()}, whatever asks for them.
 *
 * <p>A set past its time to live but within its stale period is still handed out at once while a
 * fetch runs in the background (stale-while-revalidate): expiry then costs no request any latency,
 * and a key removed from the JWKS stops working as soon as that fetch lands. Callers wait only when
 * there is no usable set, or when they ask for a {@link #refreshed} one because their key is missing.
 */
final class JwksCache {
  private static final System.Logger LOG = System.getLogger(JwksCache.class.getName());

  /**
   * Keys to look in, when they were fetched ({@code null}: never), and what stood in the way of newer
   * ones ({@code null}: nothing), to explain a refusal.
   */
  record KeySet(List<JWK> keys, Instant fetchedAt, String problem) {}

  private final Supplier<CompletableFuture<JWKSet>> fetch;
  private final JwksPolicy policy;
  private final Clock clock;
  private final String url;
  // All guarded by this; the lock is held only to read and change them, never across a fetch.
  /** Written under the lock; volatile so that {@link #generation()}, read on every verification, takes none. */
  private volatile KeySet current;
  private Instant lastFetchStarted;
  private String lastFailure;
  private CompletableFuture<KeySet> inFlight;

  JwksCache(Supplier<CompletableFuture<JWKSet>> fetch, JwksPolicy policy, Clock clock, String url) {
    this.fetch = fetch;
    this.policy = policy;
    this.clock = clock;
    this.url = url;
  }

  /** The last key set fetched (a new object after every successful fetch), or null before the first. */
  Object generation() {
    return current;
  }

  /** The key set to look in now. */
  CompletableFuture<KeySet> keys() {
    Instant now = clock.instant();
    CompletableFuture<KeySet> started;
    KeySet meanwhile = null;
    synchronized (this) {
      if (current != null && now.isBefore(current.fetchedAt().plus(policy.timeToLive()))) {
        return CompletableFuture.completedFuture(current);
      }
      started = startFetch(now);
      if (usable(now)) {
        meanwhile = stale(now); // expired but within its stale period: use it, refetch in the background
      } else if (started == null) {
        return inFlight != null ? inFlight : CompletableFuture.completedFuture(stale(now));
      }
    }
    if (started != null) {
      run(started);
    }
    return meanwhile != null ? CompletableFuture.completedFuture(meanwhile) : started;
  }

  /**
   * A newer key set than {@code seen}, asked for because a token's key is not in it: one that
   * arrived meanwhile, the fetch under way, a new fetch, or, while fetches are rate-limited or
   * failing, the same keys with the reason why nothing newer is available.
   */
  CompletableFuture<KeySet> refreshed(KeySet seen) {
    Instant now = clock.instant();
    CompletableFuture<KeySet> started;
    synchronized (this) {
      if (current != null && (seen.fetchedAt() == null || current.fetchedAt().isAfter(seen.fetchedAt()))) {
        return CompletableFuture.completedFuture(current);
      }
      if (inFlight != null) {
        return inFlight;
      }
      started = startFetch(now);
      if (started == null) {
        return CompletableFuture.completedFuture(stale(now));
      }
    }
    return run(started);
  }

  /** Under the lock: a promise for a new fetch, or null when one runs or the rate limit forbids it. */
  private CompletableFuture<KeySet> startFetch(Instant now) {
    if (inFlight != null
        || (lastFetchStarted != null && now.isBefore(lastFetchStarted.plus(policy.minRefreshInterval())))) {
      return null;
    }
    lastFetchStarted = now;
    inFlight = new CompletableFuture<>();
    return inFlight;
  }

  /** Outside the lock: the fetch itself, which may complete on this thread or an HTTP client thread. */
  private CompletableFuture<KeySet> run(CompletableFuture<KeySet> promise) {
    CompletableFuture<JWKSet> fetching;
    try {
      fetching = fetch.get();
    } catch (RuntimeException e) {
      fetching = CompletableFuture.failedFuture(e);
    }
    fetching.whenComplete((set, error) -> finish(promise, set, error));
    return promise;
  }

  private void finish(CompletableFuture<KeySet> promise, JWKSet set, Throwable error) {
    Instant now = clock.instant();
    KeySet result;
    String reason = error == null ? null : JwksFetcher.reason(error);
    synchronized (this) {
      inFlight = null;
      if (error == null) {
        current = new KeySet(List.copyOf(set.getKeys()), now, null);
        lastFailure = null;
        result = current;
      } else {
        lastFailure = reason;
        result = stale(now);
      }
    }
    if (error == null) {
      LOG.log(System.Logger.Level.DEBUG, () -> "JWKS fetched url=" + url + " keys=" + set.getKeys().size());
    } else {
      LOG.log(System.Logger.Level.WARNING, () -> "JWKS fetch failed url=" + url + " reason=\"" + reason
          + "\" cached_keys=" + (result.keys().isEmpty() ? "none" : "in use"));
    }
    promise.complete(result);
  }

  /** Under the lock: whether the last fetched set may still be used (fresh or within its stale period). */
  private boolean usable(Instant now) {
    return current != null
        && now.isBefore(current.fetchedAt().plus(policy.timeToLive()).plus(policy.maxStale()));
  }

  /** Under the lock: the keys to fall back on, with why nothing newer is at hand. */
  private KeySet stale(Instant now) {
    if (usable(now)) {
      String problem = null;
      if (lastFailure != null) {
        problem = "fetching the key set again failed: " + lastFailure;
      } else if (inFlight == null) {
        problem = "the key set was last fetched at " + lastFetchStarted + " and is fetched at most every "
            + policy.minRefreshInterval().toSeconds() + " s";
      }
      return new KeySet(current.keys(), current.fetchedAt(), problem);
    }
    String problem = current == null ? "the key set could not be fetched"
        : "the key set fetched at " + current.fetchedAt() + " expired and could not be fetched again";
    return new KeySet(List.of(), current == null ? null : current.fetchedAt(),
        problem + (lastFailure != null ? ": " + lastFailure : " yet"));
  }
}
