package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Publishes updates to a Mercure hub (Herald or any other) with the protocol's form {@code POST},
 * on {@code java.net.http} alone.
 *
 * <pre>{@code
 * try (HubPublisher hub = HubPublisher.builder(URI.create("https://hub.example/.well-known/mercure"))
 *     .jwtSecret(secret).build()) {
 *   String id = hub.publish("https://example.com/books/1", "{\"title\":\"Dune\"}");
 * }
 * }</pre>
 *
 * <p><b>Retries are safe.</b> A publication without an id gets one ({@code urn:uuid:...}) before the
 * first attempt, and every attempt sends the same form, so the hub (idempotent for an identical id and
 * content) stores it once however many attempts reach it. 429, 502, 503, 504 and I/O errors are
 * retried up to {@link Builder#maxAttempts} attempts in all (default {@value #DEFAULT_MAX_ATTEMPTS}),
 * after exponential backoff with jitter from {@link #DEFAULT_INITIAL_BACKOFF} up to
 * {@link #DEFAULT_MAX_BACKOFF}, or after the hub's {@code Retry-After} (seconds or an HTTP date),
 * capped at that maximum.
 * Any other answer throws {@link PublishException} at once, with the hub's status and reason.
 *
 * <p><b>Bounded.</b> At most {@link Builder#maxInFlight} publications (default
 * {@value #DEFAULT_MAX_IN_FLIGHT}) are pending at once, retries included; past that,
 * {@link #publish} and {@link #publishAsync} wait for a slot (backpressure, not an unbounded queue).
 * Each request times out after {@link #DEFAULT_REQUEST_TIMEOUT}.
 *
 * <p>Thread-safe. {@link #close} refuses new publications and stops retries; requests already sent
 * still complete. A client given with {@link Builder#httpClient} is not closed.
 */
public final class HubPublisher implements AutoCloseable {
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI hub;
  private final Supplier<String> tokens;
  private final HttpClient http;
  private final int maxAttempts;
  private final Semaphore inFlight;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final Clock clock;
  private final Function<Duration, Executor> delays;
  private volatile boolean closed;

  private HubPublisher(Builder builder) {
    hub = builder.hub;
    tokens = builder.tokens;
    http = builder.http != null ? builder.http
        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    maxAttempts = builder.maxAttempts;
    inFlight = new Semaphore(builder.maxInFlight);
    initialBackoff = builder.initialBackoff;
    maxBackoff = builder.maxBackoff;
    requestTimeout = builder.requestTimeout;
    clock = builder.clock;
    delays = builder.delays;
  }

  /** A builder for a publisher to the hub at {@code hub} (its full URL, {@code /.well-known/mercure}). */
  public static Builder builder(URI hub) {
    return new Builder(hub);
  }

  /** Publishes a public update of {@code data} to {@code topic}; returns its id. */
  public String publish(String topic, String data) {
    return publish(Publication.of(topic, data));
  }

  /**
   * Publishes and waits for the hub's acknowledgement; returns the update's id.
   *
   * @throws PublishException when the hub did not acknowledge it (interrupted waiting for a slot: status 0, the interrupt
   *     flag set again)
   */
  public String publish(Publication publication) {
    try {
      return publishAsync(publication).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof PublishException refused) {
        // A new exception, so the stack trace shows the caller and not only the HTTP client's thread;
        // same cause, so callers find the I/O error one level down whichever method they used.
        PublishException thrown = new PublishException(refused.status(), refused.reason(), refused.attempts(),
            refused.getCause());
        thrown.addSuppressed(refused);
        throw thrown;
      }
      throw e;
    }
  }

  /**
   * Publishes; the future completes with the update's id, or with {@link PublishException}. Waits
   * for a slot when {@code maxInFlight} publications are pending.
   */
  public CompletableFuture<String> publishAsync(Publication publication) {
    Objects.requireNonNull(publication, "publication");
    if (publication.id() == null) {
      publication = publication.withId("urn:uuid:" + UUID.randomUUID());
    }
    if (closed) {
      return CompletableFuture.failedFuture(new PublishException(0, "the publisher is closed", 0, null));
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new PublishException(0, "interrupted waiting for a slot", 0, e));
    }
    PublishCall call = new PublishCall(this, publication);
    call.result.whenComplete((id, error) -> inFlight.release());
    call.attempt();
    return call.result.copy(); // a caller completing its copy must not release the slot early
  }

  /** Refuses new publications and stops pending retries. */
  @Override
  public void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  URI hub() {
    return hub;
  }

  String token() {
    return tokens.get();
  }

  HttpClient http() {
    return http;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  Duration initialBackoff() {
    return initialBackoff;
  }

  Duration maxBackoff() {
    return maxBackoff;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  /** What an HTTP-date {@code Retry-After} is measured from. */
  Clock clock() {
    return clock;
  }

  /** Runs a retry after a delay. */
  Executor after(Duration delay) {
    return delays.apply(delay);
  }

  /** Options of a {@link HubPublisher}; a token or a secret is required. Not thread-safe. */
  public static final class Builder {
    private final URI hub;
    private Supplier<String> tokens;
    private HttpClient http;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private Function<Duration, Executor> delays =
        delay -> CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);

    private Builder(URI hub) {
      this.hub = Objects.requireNonNull(hub, "hub");
      if (!"http".equalsIgnoreCase(hub.getScheme()) && !"https".equalsIgnoreCase(hub.getScheme())) {
        throw new IllegalArgumentException("the hub URL must be http or https: " + hub);
      }
    }

    /** A publisher token to send as is (the caller renews it: an expired one fails with 401). */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isEmpty() || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException("the token must be non-empty printable ASCII without spaces");
      }
      tokens = () -> token;
      return this;
    }

    /**
     * The hub's HS256 secret (at least 32 bytes): the publisher mints its own tokens, allowed to
     * publish to any topic, valid five minutes and renewed before they expire.
     */
    public Builder jwtSecret(String secret) {
      return jwtSecret(secret, List.of("*"));
    }

    /** As {@link #jwtSecret(String)}, with tokens allowed to publish only to these topic selectors. */
    public Builder jwtSecret(String secret, List<String> publishSelectors) {
      if (Objects.requireNonNull(publishSelectors, "publishSelectors").isEmpty()) {
        throw new IllegalArgumentException("a publisher token needs at least one publish selector");
      }
      tokens = PublisherTokens.minting(secret, publishSelectors);
      return this;
    }

    /** The HTTP client; default a new one (HTTP/2 when the hub offers it, 10 s connect timeout). */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /** Attempts per publication, the first included; default {@value #DEFAULT_MAX_ATTEMPTS}; 1: no retry. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = Checks.requirePositive(maxAttempts, "maxAttempts");
      return this;
    }

    /** Publications pending at once; default {@value #DEFAULT_MAX_IN_FLIGHT}. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.requirePositive(maxInFlight, "maxInFlight");
      return this;
    }

    /** The first retry's delay and the cap on every delay, {@code Retry-After} included. */
    public Builder backoff(Duration initial, Duration max) {
      Checks.requireNotNegative(initial, "initial backoff");
      Checks.requireNotNegative(max, "max backoff");
      if (initial.compareTo(max) > 0) {
        throw new IllegalArgumentException("the initial backoff " + initial + " exceeds the maximum " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How long one request may take, answer included; default 30 s. */
    public Builder requestTimeout(Duration timeout) {
      Checks.requireNotNegative(timeout, "requestTimeout");
      if (timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** For tests: the clock an HTTP-date {@code Retry-After} is read against. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** For tests: how a retry waits its delay (default: a delayed executor), to see the delay chosen. */
    Builder delays(Function<Duration, Executor> delays) {
      this.delays = Objects.requireNonNull(delays, "delays");
      return this;
    }

    /** The publisher; refuses a builder with neither a token nor a secret. */
    public HubPublisher build() {
      if (tokens == null) {
        throw new IllegalStateException("a publisher needs token(...) or jwtSecret(...)");
      }
      return new HubPublisher(this);
    }
  }
}
