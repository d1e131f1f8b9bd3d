package dev.herald.client;

import dev.herald.sse.EventStreamLimitException;
import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Server-Sent Events client with the WHATWG {@code EventSource} processing model, on
 * {@link HttpClient}. Build one with {@link #builder(URI)}, then either {@link #start()} it with a
 * {@link EventSourceListener} or consume it through {@link Builder#iterator()}.
 *
 * <p>Every request carries {@code Accept: text/event-stream}, {@code Cache-Control: no-cache} and,
 * when the last event ID is not empty, {@code Last-Event-ID}, or, for an ID a header cannot carry
 * exactly through {@code java.net.http} (not printable ASCII, or a space at either end), the
 * {@code lastEventID} query parameter that Mercure hubs read instead; it never carries a request timeout
 * (on current JDKs that would also cut the body off). A 200 response with a {@code text/event-stream}
 * content type opens the stream; 204 closes the source for good; other outcomes go to the
 * {@link ErrorPolicy} ({@link ErrorPolicy#RESILIENT} by default), and retried ones wait as the
 * {@link RetryPolicy} says ({@link RetryPolicy#backoff()} by default) before reconnecting to the
 * original URI. A connection silent for the read timeout (default {@value #DEFAULT_READ_TIMEOUT_SECONDS}
 * s) is dropped and retried.
 *
 * <p>Thread-safe. {@link #close()} is idempotent, returns after the connection and timers are
 * released, and no listener callback runs after it returns.
 */
public final class EventSource implements AutoCloseable {
  /** Default reconnection time before any {@code retry:} field: 3 s, as browsers use. */
  public static final Duration DEFAULT_RECONNECTION_TIME = Duration.ofSeconds(3);
  /** Default read timeout, in seconds: twice a typical 30 s heartbeat. */
  public static final long DEFAULT_READ_TIMEOUT_SECONDS = 60;
  /** Default connect timeout of the built-in HTTP client. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(EventSource.class.getName());

  private final URI uri;
  private final HttpClient client;
  private final String method;
  private final HttpRequest.BodyPublisher body;
  private final List<String[]> headers;
  private final Duration readTimeout;
  private final RetryPolicy retryPolicy;
  private final ErrorPolicy errorPolicy;
  private final EventSourceListener listener;
  private final EventStreamParser parser;

  private final ReentrantLock lock = new ReentrantLock();
  private volatile ReadyState readyState = ReadyState.CONNECTING;
  private volatile String lastEventId;
  private Duration reconnectionTime;
  private int consecutiveFailures;
  private long openedAtNanos;
  private Attempt current;
  private ScheduledFuture<?> pendingReconnect;
  private boolean started;

  private EventSource(Builder builder, EventSourceListener listener) {
    this.uri = builder.uri;
    this.client = builder.client == null ? DefaultClient.INSTANCE : builder.client;
    this.method = builder.method;
    this.body = builder.body;
    this.headers = List.copyOf(builder.headers);
    this.readTimeout = builder.readTimeout;
    this.retryPolicy = builder.retryPolicy;
    this.errorPolicy = builder.errorPolicy;
    this.listener = listener;
    this.reconnectionTime = builder.reconnectionTime;
    this.lastEventId = builder.lastEventId;
    this.parser = EventStreamParser.builder(new Dispatcher())
        .lastEventId(builder.lastEventId)
        .maxLineLength(builder.maxLineLength)
        .maxEventSize(builder.maxEventSize)
        .build();
  }

  /** A builder for a source reading {@code uri}. */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** Connects in the background; returns at once. May be called once. */
  public EventSource start() {
    lock.lock();
    try {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      if (readyState != ReadyState.CLOSED) {
        connect();
      }
    } finally {
      lock.unlock();
    }
    return this;
  }

  /** The current state. */
  public ReadyState readyState() {
    return readyState;
  }

  /** The last event ID, sent as {@code Last-Event-ID} on reconnection ({@code ""} when none). */
  public String lastEventId() {
    return lastEventId;
  }

  /** The URI every connection goes to, also after redirects. */
  public URI uri() {
    return uri;
  }

  /** Closes for good: drops the connection, cancels a pending reconnection, then calls onClosed. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (readyState == ReadyState.CLOSED) {
        return;
      }
      readyState = ReadyState.CLOSED;
      stopAttempt();
      if (pendingReconnect != null) {
        pendingReconnect.cancel(false);
        pendingReconnect = null;
      }
      deliver(listener::onClosed);
    } finally {
      lock.unlock();
    }
  }

  // ---- called by Attempt, on HTTP client and timer threads ----

  void opened(Attempt attempt, HttpResponse.ResponseInfo info) {
    lock.lock();
    try {
      if (attempt != current || readyState == ReadyState.CLOSED) {
        return;
      }
      readyState = ReadyState.OPEN;
      openedAtNanos = System.nanoTime();
      deliver(() -> listener.onOpen(info));
    } finally {
      lock.unlock();
    }
  }

  /** Parses one chunk; returns whether the attempt should keep reading. */
  boolean received(Attempt attempt, List<ByteBuffer> chunk) {
    lock.lock();
    try {
      for (ByteBuffer buffer : chunk) {
        if (attempt != current || readyState != ReadyState.OPEN) {
          return false;
        }
        try {
          parser.feed(buffer);
        } catch (EventStreamLimitException e) {
          fail(attempt, new EventSourceException("stream rejected: " + e.getMessage(), e), null);
          return false;
        } finally {
          lastEventId = parser.lastEventId();
        }
      }
      return attempt == current && readyState == ReadyState.OPEN;
    } finally {
      lock.unlock();
    }
  }

  void ended(Attempt attempt, EventSourceException error) {
    Duration retryAfter = error instanceof HttpStatusException status
        ? Responses.retryAfter(status.headers(), Clock.systemUTC()) : null;
    lock.lock();
    try {
      if (attempt == current) {
        fail(attempt, error, retryAfter);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails a silent attempt. Runs on the shared timer thread, so it never waits for the lock: it
   * returns {@code false} when the source is busy, and the watchdog looks again shortly.
   */
  boolean timedOut(Attempt attempt, Duration timeout) {
    if (!lock.tryLock()) {
      return false;
    }
    try {
      if (attempt == current) {
        fail(attempt, new ReadTimeoutException(timeout), null);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ---- state machine, always under the lock ----

  private void connect() {
    parser.endOfStream();
    readyState = ReadyState.CONNECTING;
    Attempt attempt = new Attempt(this, readTimeout);
    current = attempt;
    attempt.send(client, request(uri, method, body, headers, parser.lastEventId()));
  }

  private void reconnect() {
    lock.lock();
    try {
      pendingReconnect = null;
      if (readyState == ReadyState.CONNECTING && current == null) {
        connect();
      }
    } finally {
      lock.unlock();
    }
  }

  private void fail(Attempt attempt, EventSourceException error, Duration retryAfter) {
    boolean wasOpen = readyState == ReadyState.OPEN;
    stopAttempt();
    if (wasOpen && System.nanoTime() - openedAtNanos >= retryPolicy.resetAfter().toNanos()) {
      consecutiveFailures = 0;
    }
    boolean noContent = error instanceof HttpStatusException status && status.statusCode() == 204;
    if (readyState == ReadyState.CLOSED || noContent || !errorPolicy.shouldRetry(error)) {
      readyState = ReadyState.CLOSED;
      deliver(() -> listener.onError(error, false));
      deliver(listener::onClosed);
      return;
    }
    consecutiveFailures++;
    readyState = ReadyState.CONNECTING;
    Duration delay = retryPolicy.delay(consecutiveFailures, reconnectionTime, retryAfter,
        ThreadLocalRandom.current()::nextDouble);
    deliver(() -> listener.onError(error, true));
    if (readyState == ReadyState.CONNECTING) { // the listener may have closed the source
      pendingReconnect = Timers.SHARED.schedule(this::reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void stopAttempt() {
    if (current != null) {
      current.cancel();
      current = null;
    }
  }

  /** Runs a listener callback; a listener that throws is logged, not allowed to break the source. */
  private static void deliver(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "EventSource listener threw; continuing", e);
    }
  }

  static HttpRequest request(URI uri, String method, HttpRequest.BodyPublisher body,
      List<String[]> headers, String lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, body);
    for (String[] header : headers) {
      request.header(header[0], header[1]);
    }
    request.setHeader("Accept", "text/event-stream");
    request.setHeader("Cache-Control", "no-cache");
    if (!lastEventId.isEmpty()) {
      LastEventIds.add(request, uri, lastEventId);
    }
    return request.build();
  }

  /** Turns parser callbacks into listener callbacks while the stream is open. */
  private final class Dispatcher implements EventStreamParser.Listener {
    @Override
    public void onEvent(SseEvent event) {
      if (readyState == ReadyState.OPEN) {
        deliver(() -> listener.onEvent(event));
      }
    }

    @Override
    public void onComment(String comment) {
      if (readyState == ReadyState.OPEN) {
        deliver(() -> listener.onComment(comment));
      }
    }

    @Override
    public void onRetry(Duration time) {
      reconnectionTime = time;
    }
  }

  /** The shared built-in client, created on first use: a source given its own client starts no other. */
  private static final class DefaultClient {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
        .build();
  }

  /** Configures an {@link EventSource}. */
  public static final class Builder {
    private final URI uri;
    private HttpClient client;
    private String method = "GET";
    private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    private final List<String[]> headers = new ArrayList<>();
    private String lastEventId = "";
    private Duration reconnectionTime = DEFAULT_RECONNECTION_TIME;
    private Duration readTimeout = Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS);
    private RetryPolicy retryPolicy = RetryPolicy.backoff();
    private ErrorPolicy errorPolicy = ErrorPolicy.RESILIENT;
    private EventSourceListener listener;
    private int maxLineLength = EventStreamParser.DEFAULT_MAX_LINE_LENGTH;
    private int maxEventSize = EventStreamParser.DEFAULT_MAX_EVENT_SIZE;

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("uri must be http or https: " + uri);
      }
    }

    /**
     * The HTTP client to use (default: a shared one that follows redirects and connects within
     * {@link #DEFAULT_CONNECT_TIMEOUT}). Its redirect, proxy, TLS and executor settings apply.
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The request method and body, e.g. {@code POST} for streaming APIs (default GET, no body). */
    public Builder method(String method, HttpRequest.BodyPublisher body) {
      this.method = Objects.requireNonNull(method, "method");
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** A {@code POST} with this UTF-8 body; set its {@code Content-Type} with {@link #header}. */
    public Builder post(String body) {
      return method("POST", HttpRequest.BodyPublishers.ofString(body));
    }

    /**
     * Adds a request header, such as {@code Authorization}. {@code Accept}, {@code Cache-Control}
     * and {@code Last-Event-ID} are managed by the source and refused here.
     */
    public Builder header(String name, String value) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("accept") || lower.equals("cache-control") || lower.equals("last-event-id")) {
        throw new IllegalArgumentException(name + " is set by the EventSource"
            + (lower.equals("last-event-id") ? "; use lastEventId(...)" : ""));
      }
      headers.add(new String[] {name, Objects.requireNonNull(value, "value")});
      return this;
    }

    /** The last event ID to resume from (default {@code ""}: none). */
    public Builder lastEventId(String lastEventId) {
      if (lastEventId.indexOf('\0') >= 0 || lastEventId.indexOf('\n') >= 0
          || lastEventId.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("lastEventId must not contain CR, LF or NUL");
      }
      this.lastEventId = lastEventId;
      return this;
    }

    /** The reconnection time until the server sends {@code retry:} (default 3 s). */
    public Builder reconnectionTime(Duration time) {
      this.reconnectionTime = Checks.requireNotNegative(time, "reconnectionTime");
      return this;
    }

    /** Drop and retry a connection silent this long (default 60 s; {@link Duration#ZERO} = never). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Checks.requireNotNegative(timeout, "readTimeout");
      return this;
    }

    /** How long to wait before reconnecting (default {@link RetryPolicy#backoff()}). */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    /** Which errors to reconnect after (default {@link ErrorPolicy#RESILIENT}). */
    public Builder errorPolicy(ErrorPolicy policy) {
      this.errorPolicy = Objects.requireNonNull(policy, "errorPolicy");
      return this;
    }

    /** The parser's line length limit in bytes (default 1 MiB). */
    public Builder maxLineLength(int bytes) {
      this.maxLineLength = Checks.requirePositive(bytes, "maxLineLength");
      return this;
    }

    /** The parser's event data limit in bytes (default 8 MiB). */
    public Builder maxEventSize(int bytes) {
      this.maxEventSize = Checks.requirePositive(bytes, "maxEventSize");
      return this;
    }

    /** Who receives events and state changes; required by {@link #build()}. */
    public Builder listener(EventSourceListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The source, not yet started. */
    public EventSource build() {
      if (listener == null) {
        throw new IllegalStateException("a listener is required; or use iterator()");
      }
      return build(listener);
    }

    /**
     * Starts a source and returns a blocking iterator over its events, which buffers up to
     * {@value EventIterator#DEFAULT_CAPACITY} events before it stops reading the socket. A listener,
     * if set, still receives every callback.
     */
    public EventIterator iterator() {
      EventBuffer buffer = new EventBuffer(EventIterator.DEFAULT_CAPACITY, listener);
      EventSource source = build(buffer);
      return new EventIterator(source.start(), buffer);
    }

    private EventSource build(EventSourceListener target) {
      // Fail now, not on a background thread, for a header HttpClient refuses.
      request(uri, method, body, headers, lastEventId);
      return new EventSource(this, target);
    }
  }

  /** For tests and logs. */
  @Override
  public String toString() {
    return "EventSource[" + uri + ", " + readyState + ", lastEventId=" + lastEventId + "]";
  }
}
