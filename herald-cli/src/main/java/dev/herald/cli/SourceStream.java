package dev.herald.cli;

import dev.herald.sse.EventStreamLimitException;
import dev.herald.sse.EventStreamParser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request to a Server-Sent Events source, read once from start to end ({@code herald relay}):
 * never reconnected, never re-sent, because the source may be a model's answer that a second request
 * would generate (and bill) again. The body goes through an {@link EventStreamParser} to the listener
 * as it arrives, on the HTTP client's threads, the next piece requested only once the listener
 * returned (a slow listener slows the source, through TCP).
 *
 * <p>{@link #done()} completes with how the source ended: normally, or with a problem in words (an
 * HTTP status other than 2xx with the start of the body, a content type other than
 * {@code text/event-stream}, a broken connection, nothing for the read timeout, an event over the
 * parser's limits).
 */
final class SourceStream {
  /** The most bytes of a refusal's body kept for the message. */
  static final int MAX_ERROR_BODY = 4096;
  private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "herald-source-timer");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * How the source ended.
   *
   * @param opened whether it answered with an event stream
   * @param problem what went wrong, a sentence naming the source, or null for a stream the source
   *     ended normally
   */
  record End(boolean opened, String problem) {}

  private EventStreamParser parser;
  private final Duration readTimeout;
  private final CompletableFuture<End> done = new CompletableFuture<>();
  private volatile boolean opened;
  private volatile Flow.Subscription subscription;
  private volatile long lastReadNanos = System.nanoTime();
  private volatile boolean delivering;
  private ScheduledFuture<?> watchdog;
  /** "source URL", for messages. */
  private final String name;
  private final HttpRequest request;

  /**
   * A source for {@code request}, not yet sent; {@link Duration#ZERO} read timeout: none. (Created
   * before its listener, which may need to {@link #cancel} it.)
   */
  SourceStream(HttpRequest request, Duration readTimeout) {
    this.name = "source " + request.uri();
    this.request = request;
    this.readTimeout = readTimeout;
  }

  /** Sends the request with {@code client} and reads the answer, its events to {@code listener}. */
  void start(HttpClient client, EventStreamParser.Listener listener) {
    parser = new EventStreamParser(listener); // before sending: the client's threads see it
    client.sendAsync(request, this::subscriber).whenComplete((response, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        java.io.IOException io = cause instanceof java.io.IOException e ? e : new java.io.IOException(cause);
        end(opened
            ? name + ": connection lost: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage())
            : ConnectFailure.describe(request.uri(), io)
                .replaceFirst("^cannot connect to ", "cannot connect to source "));
      } else if (!opened) {
        end(response.statusCode() / 100 != 2
            ? name + " answered HTTP " + response.statusCode() + firstLine(response.body())
            : name + " answered " + response.statusCode() + " with Content-Type " + contentType(response.headers())
                + ", not text/event-stream" + firstLine(response.body()));
      } else {
        end(null);
      }
    });
    armWatchdog(readTimeout.toNanos());
  }

  /** Completes when the source ended, however. */
  CompletableFuture<End> done() {
    return done;
  }

  /** Stops reading (the hub refused the relay); {@link #done()} completes. */
  void cancel(String why) {
    end(why);
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private HttpResponse.BodySubscriber<String> subscriber(HttpResponse.ResponseInfo info) {
    lastReadNanos = System.nanoTime();
    String type = contentType(info.headers());
    if (info.statusCode() / 100 == 2 && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
      opened = true;
      return new Events();
    }
    return new ErrorBody();
  }

  private void end(String problem) {
    if (done.complete(new End(opened, problem))) {
      synchronized (this) {
        if (watchdog != null) {
          watchdog.cancel(false);
        }
      }
      // An event cut off is not an event: nothing more is fed to the parser, so it never dispatches.
    }
  }

  private synchronized void armWatchdog(long nanos) {
    if (readTimeout.isZero() || done.isDone()) {
      return;
    }
    watchdog = TIMERS.schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
  }

  /** Silence is the source's, not the time a slow hub took to take an event. */
  private void checkIdle() {
    long limit = readTimeout.toNanos();
    long quiet = System.nanoTime() - lastReadNanos;
    if (!delivering && quiet >= limit) {
      cancel(name + ": nothing arrived for " + Durations.format(readTimeout) + " (--read-timeout)");
    } else {
      armWatchdog(delivering ? limit : limit - quiet);
    }
  }

  private static String contentType(java.net.http.HttpHeaders headers) {
    return headers.firstValue("Content-Type").orElse("(none)");
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.isEmpty() ? "" : ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  /** The event stream, piece by piece into the parser. */
  private final class Events implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> body = new CompletableFuture<>();

    @Override
    public CompletableFuture<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (done.isDone()) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      lastReadNanos = System.nanoTime();
      delivering = true;
      try {
        for (ByteBuffer item : items) {
          if (done.isDone()) {
            return;
          }
          parser.feed(item);
        }
      } catch (EventStreamLimitException e) {
        cancel(name + ": stream refused: " + e.getMessage());
        return;
      } finally {
        lastReadNanos = System.nanoTime();
        delivering = false;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete("");
    }
  }

  /** A refusal's body: its first {@value #MAX_ERROR_BODY} bytes, for the message. */
  private static final class ErrorBody implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletableFuture<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        int take = Math.min(item.remaining(), MAX_ERROR_BODY - bytes.size());
        byte[] piece = new byte[take];
        item.get(piece);
        bytes.writeBytes(piece);
      }
      if (bytes.size() >= MAX_ERROR_BODY) {
        subscription.cancel();
        onComplete();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      onComplete(); // what came is enough for the message
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }
}
