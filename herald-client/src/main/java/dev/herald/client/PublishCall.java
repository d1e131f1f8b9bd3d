package dev.herald.client;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One publication through its attempts. The form body, id included, is built once, so every retry
 * sends the same update and the hub, idempotent for an identical id and content, stores it once.
 */
final class PublishCall {
  private final HubPublisher publisher;
  private final String body;
  final CompletableFuture<String> result = new CompletableFuture<>();
  private int attempts;

  PublishCall(HubPublisher publisher, Publication publication) {
    this.publisher = publisher;
    this.body = form(publication);
  }

  /** The Mercure form: {@code topic} repeated, then the optional fields. */
  static String form(Publication publication) {
    StringBuilder form = new StringBuilder();
    for (String topic : publication.topics()) {
      field(form, "topic", topic);
    }
    if (publication.data() != null) {
      field(form, "data", publication.data());
    }
    if (publication.id() != null) {
      field(form, "id", publication.id());
    }
    if (publication.type() != null) {
      field(form, "type", publication.type());
    }
    if (publication.retry() != null) {
      field(form, "retry", Long.toString(publication.retry().toMillis()));
    }
    if (publication.isPrivate()) {
      field(form, "private", "on");
    }
    return form.toString();
  }

  private static void field(StringBuilder form, String name, String value) {
    if (form.length() > 0) {
      form.append('&');
    }
    form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  void attempt() {
    if (publisher.isClosed()) {
      fail(0, "the publisher is closed", null);
      return;
    }
    attempts++;
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(publisher.hub()).timeout(publisher.requestTimeout())
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Authorization", "Bearer " + publisher.token())
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    } catch (RuntimeException e) {
      fail(0, "cannot build the request: " + e.getMessage(), e);
      return;
    }
    publisher.http().sendAsync(request, info -> new CapturedBody()).whenComplete(this::answered);
  }

  private void answered(HttpResponse<String> response, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof IOException && attempts < publisher.maxAttempts()) {
        retryAfter(backoff());
      } else {
        fail(0, String.valueOf(cause), cause);
      }
      return;
    }
    int status = response.statusCode();
    String text = stripLineBreak(response.body());
    if (status == 200) {
      result.complete(text);
    } else if (retryable(status) && attempts < publisher.maxAttempts()) {
      Duration delay = backoff();
      Duration asked = Responses.retryAfter(response.headers(), publisher.clock());
      if (asked != null) {
        // The hub's figure (seconds or a date), capped: never jittered below it, a retry sooner would
        // be refused again.
        delay = min(asked, publisher.maxBackoff());
      }
      retryAfter(delay);
    } else {
      fail(status, text, null);
    }
  }

  /** 429 and the statuses a hub or its proxy gives while it cannot store (nothing retrying cannot fix). */
  static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** Exponential from the initial backoff, capped, with jitter over its upper half. */
  private Duration backoff() {
    Duration initial = publisher.initialBackoff();
    int doublings = Math.min(attempts - 1, 30);
    Duration ceiling = min(initial.multipliedBy(1L << doublings), publisher.maxBackoff());
    long half = ceiling.toNanos() / 2;
    return Duration.ofNanos(half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1)));
  }

  private void retryAfter(Duration delay) {
    publisher.after(delay).execute(this::attempt);
  }

  private void fail(int status, String reason, Throwable cause) {
    result.completeExceptionally(new PublishException(status, reason, attempts, cause));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String stripLineBreak(String text) {
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(0, end);
  }
}
