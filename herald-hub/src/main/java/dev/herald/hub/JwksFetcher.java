package dev.herald.hub;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a JWK set over HTTP(S) without blocking the caller: the returned future completes on the
 * HTTP client's threads. Bounded: connecting and the whole exchange within the timeout (the request
 * timeout alone stops at the response headers, so the future has its own deadline too), the body
 * within {@code maxBytes}. A failure completes the future with an {@link IOException} whose message
 * is the reason, fit for logs and refusals (it names no URL: refusals go to clients).
 */
final class JwksFetcher {
  private final URI uri;
  private final Duration timeout;
  private final int maxBytes;
  private final HttpClient client;

  JwksFetcher(URI uri, Duration timeout, int maxBytes) {
    this.uri = uri;
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    // NORMAL never follows an https → http redirect; the client's default bounds the redirect count.
    this.client = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** Starts one fetch. */
  CompletableFuture<JWKSet> fetch() {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/jwk-set+json, application/json").GET().build();
    CompletableFuture<JWKSet> keys;
    CompletableFuture<?> exchange = null;
    try {
      var sent = client.sendAsync(request, info -> new LimitedBody(maxBytes));
      exchange = sent;
      keys = sent.thenApply(response -> {
        if (response.statusCode() != 200) {
          throw new CompletionException(new IOException("the JWKS server answered HTTP " + response.statusCode()));
        }
        try {
          return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
          throw new CompletionException(new IOException("the response is not a JWK set: " + e.getMessage()));
        }
      });
    } catch (RuntimeException e) { // e.g. a URI the client cannot use; reported like any failure
      keys = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> running = exchange;
    return keys.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((set, error) -> {
      if (error != null) {
        if (running != null) {
          running.cancel(true); // past the deadline: stop reading a slow body rather than let it drip on
        }
        throw new CompletionException(new IOException(reason(error), error));
      }
      return set;
    });
  }

  /** A short reason for a failed fetch. */
  static String reason(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      return "no complete answer within the fetch timeout";
    }
    if (cause instanceof ConnectException) {
      return "cannot connect to the JWKS server";
    }
    if (cause instanceof IOException && cause.getMessage() != null && cause.getClass() == IOException.class) {
      return cause.getMessage();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** The URL without user info or query, for logs. */
  String displayUrl() {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
