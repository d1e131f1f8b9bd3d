package dev.herald.client;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection attempt of an {@link EventSource}: sends the request, routes a 200
 * {@code text/event-stream} body to the source chunk by chunk (requesting the next chunk only after
 * the last was delivered, so a slow listener slows the socket instead of filling memory), turns
 * every other outcome into an {@link EventSourceException}, and watches for silence.
 */
final class Attempt implements HttpResponse.BodyHandler<String> {
  private final EventSource source;
  private final Duration readTimeout;
  private volatile long lastActivityNanos = System.nanoTime();
  private volatile boolean cancelled;
  private volatile Flow.Subscription subscription;
  private volatile CompletableFuture<HttpResponse<String>> response;
  private volatile ScheduledFuture<?> watchdog;
  private volatile boolean streaming;
  /** A chunk is being delivered: a slow listener is not a silent server. */
  private volatile boolean delivering;

  Attempt(EventSource source, Duration readTimeout) {
    this.source = source;
    this.readTimeout = readTimeout;
  }

  void send(HttpClient client, HttpRequest request) {
    startWatchdog();
    CompletableFuture<HttpResponse<String>> future;
    try {
      future = client.sendAsync(request, this);
    } catch (RuntimeException refused) { // e.g. a client that has been shut down
      future = CompletableFuture.failedFuture(refused);
    }
    response = future;
    future.whenComplete(this::completed);
  }

  /** Stops this attempt: closes its connection and timers. Idempotent; no callback follows. */
  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    CompletableFuture<?> future = response;
    if (future != null) {
      future.cancel(true);
    }
    ScheduledFuture<?> timer = watchdog;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public HttpResponse.BodySubscriber<String> apply(HttpResponse.ResponseInfo info) {
    touch();
    if (info.statusCode() == 200 && Responses.isEventStream(Responses.contentType(info.headers()))) {
      streaming = true;
      source.opened(this, info);
      return new StreamSubscriber();
    }
    return new CapturedBody();
  }

  private void completed(HttpResponse<String> result, Throwable error) {
    ScheduledFuture<?> timer = watchdog;
    if (timer != null) {
      timer.cancel(false);
    }
    if (cancelled) {
      return;
    }
    source.ended(this, outcome(result, error));
  }

  private EventSourceException outcome(HttpResponse<String> result, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof CancellationException) {
        return new ConnectionException("connection cancelled", cause);
      }
      String what = streaming ? "connection lost" : "connection failed";
      return new ConnectionException(what + ": " + describe(cause), cause);
    }
    HttpHeaders headers = result.headers();
    if (streaming) {
      return new ConnectionException("the server ended the stream", null);
    }
    if (result.statusCode() == 200) {
      return new ContentTypeException(Responses.contentType(headers), headers);
    }
    return new HttpStatusException(result.statusCode(), headers, result.body() == null ? "" : result.body());
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      // HttpClient's ConnectException usually carries no message; it almost always means refused.
      return cause instanceof java.net.ConnectException
          ? "could not connect (refused or unreachable)"
          : cause.getClass().getSimpleName();
    }
    return message + " (" + cause.getClass().getSimpleName() + ")";
  }

  private void touch() {
    lastActivityNanos = System.nanoTime();
  }

  private void startWatchdog() {
    if (!readTimeout.isZero()) {
      watchdog = Timers.SHARED.schedule(this::checkIdle, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void checkIdle() {
    if (cancelled) {
      return;
    }
    long limit = readTimeout.toNanos();
    long idle = System.nanoTime() - lastActivityNanos;
    long next;
    if (delivering) {
      next = limit;
    } else if (idle < limit) {
      next = limit - idle;
    } else if (source.timedOut(this, readTimeout)) {
      return;
    } else {
      next = TimeUnit.MILLISECONDS.toNanos(20); // the source is busy: look again shortly
    }
    watchdog = Timers.SHARED.schedule(this::checkIdle, next, TimeUnit.NANOSECONDS);
  }

  /** Feeds the event stream to the source, one chunk at a time. */
  private final class StreamSubscriber implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> done = new CompletableFuture<>();

    @Override
    public CompletionStage<String> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      touch();
      delivering = true;
      boolean more;
      try {
        more = source.received(Attempt.this, items);
      } finally {
        touch(); // time spent delivering to a slow listener is not silence
        delivering = false;
      }
      if (more) {
        subscription.request(1);
      } else {
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }
}
