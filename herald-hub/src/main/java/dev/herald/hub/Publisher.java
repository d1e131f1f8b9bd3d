package dev.herald.hub;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.EventLog;
import dev.herald.log.UnconfirmedException;
import dev.herald.log.Update;
import dev.herald.server.HttpExchange;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /.well-known/mercure}: validates the form, checks the publisher's token covers every
 * topic and appends to the log, answering 200 with the event id once the log has stored it. A
 * {@code text/event-stream} body is a stream of updates instead ({@link StreamedPublish}). The log
 * hands new entries to the fan-out in sequence order (see {@link EventLog#onAppend}).
 */
final class Publisher {
  private static final System.Logger LOG = System.getLogger(Publisher.class.getName());
  private final JwtVerifier verifier;
  private final EventLog log;
  private final List<String> publishOrigins;
  private final RateLimiter limiter;
  private final HubMetrics metrics;
  private final int maxEventSize;
  private final long maxStreamEvents;
  /** The hub's clock: when a stream's token expires. */
  private final java.time.Clock clock;

  /**
   * {@code limiter}: publishes per token (and failed attempts per client address), or null for none;
   * {@code maxEventSize}: the largest event of a stream; {@code maxStreamEvents}: the most events a
   * stream may carry.
   */
  Publisher(JwtVerifier verifier, EventLog log, List<String> publishOrigins, RateLimiter limiter,
      HubMetrics metrics, int maxEventSize, long maxStreamEvents, java.time.Clock clock) {
    this.clock = clock;
    this.metrics = metrics;
    this.maxEventSize = maxEventSize;
    this.maxStreamEvents = maxStreamEvents;
    this.verifier = verifier;
    this.log = log;
    this.publishOrigins = publishOrigins;
    this.limiter = limiter;
  }

  void handle(HttpExchange exchange) {
    if (exchange.streamedBody()) {
      handleStream(exchange);
      return;
    }
    if (!exchange.contentType().equals("application/x-www-form-urlencoded")) {
      fail(exchange, 415, "unsupported_media_type", "publish with Content-Type application/x-www-form-urlencoded"
          + " (one update), or text/event-stream with the topics in the query (a stream of updates)");
      return;
    }
    TokenLocator.Found token = locateToken(exchange);
    if (token == null) {
      return;
    }
    // Parsed now, answered after the token: the body is released once handle returns, and verifying
    // may have to wait for a JWKS fetch.
    Update update = null;
    String invalid = null;
    try {
      update = UpdateForm.parse(exchange.form());
    } catch (IllegalArgumentException e) {
      invalid = e.getMessage();
    }
    Update parsed = update;
    String problem = invalid;
    boolean fromAllowedOrigin = token.source() != TokenLocator.Source.COOKIE || fromAllowedOrigin(exchange);
    String tokenKey = limiter == null ? null : "token " + fingerprint(token.token());
    Verified.then(exchange, verifier.verifyAsync(token.token()),
        claims -> publish(exchange, claims, tokenKey, fromAllowedOrigin, parsed, problem),
        refusal -> refuse(exchange, refusal));
  }

  /** The request's token, or null once its absence or malformation is answered. */
  private TokenLocator.Found locateToken(HttpExchange exchange) {
    try {
      TokenLocator.Found token = TokenLocator.locate(exchange);
      if (token == null) {
        throw new AuthException("missing_token", "publishing needs a JWT (Authorization: Bearer ...)");
      }
      return token;
    } catch (AuthException refusal) {
      refuse(exchange, refusal);
      return null;
    }
  }

  /**
   * Answers 401, or 429 when the address is over its rate: failed attempts are charged to the address
   * (not to the token, which an attacker can vary), so guessing tokens is throttled like publishing.
   */
  private void refuse(HttpExchange exchange, AuthException refusal) {
    if (!rateLimited(exchange, "address " + exchange.remoteAddress())) {
      metrics.publishError(refusal.code());
      LOG.log(System.Logger.Level.INFO, "publish refused: reason=" + refusal.code() + " address="
          + exchange.remoteAddress()); // the reason only: never the token
      Responses.unauthorized(exchange, refusal);
    }
  }

  /**
   * A streaming publish: the topics and {@code private} come from the query, the updates from the
   * body ({@link StreamedPublish}). Authorized once, for every topic, before the body is read.
   */
  private void handleStream(HttpExchange exchange) {
    TokenLocator.Found token = locateToken(exchange);
    if (token == null) {
      return;
    }
    List<String> topics = exchange.query().getOrDefault("topic", List.of());
    String invalid = null;
    try {
      UpdateForm.checkTopics(topics);
      UpdateForm.single(exchange.query(), "private");
    } catch (IllegalArgumentException e) {
      invalid = e.getMessage() + " (a stream's topics and 'private' are query parameters)";
    }
    String problem = invalid;
    boolean isPrivate = exchange.query().containsKey("private");
    boolean fromAllowedOrigin = token.source() != TokenLocator.Source.COOKIE || fromAllowedOrigin(exchange);
    String tokenKey = limiter == null ? null : "token " + fingerprint(token.token());
    exchange.deferAnswer();
    Verified.then(exchange, verifier.verifyAsync(token.token()), claims -> {
      if (authorized(exchange, claims, tokenKey, fromAllowedOrigin, topics, problem)) {
        StreamedPublish publication = new StreamedPublish(exchange, log, List.copyOf(topics), isPrivate,
            maxEventSize, maxStreamEvents, limiter, tokenKey, metrics);
        if (claims.expiresAt() != null) {
          publication.expireAt(claims.expiresAt(), clock);
        }
        exchange.receiveBody(publication);
      }
    }, refusal -> refuse(exchange, refusal));
  }

  /**
   * The checks every publish passes once its token is verified, answering the first that fails: the
   * rate, the origin of a cookie's publish, the request's validity, and each topic's permission.
   */
  private boolean authorized(HttpExchange exchange, Claims claims, String tokenKey, boolean fromAllowedOrigin,
      List<String> topics, String invalid) {
    if (tokenKey != null && rateLimited(exchange, tokenKey)) {
      return false;
    }
    if (!fromAllowedOrigin) {
      // A browser sends cookies with any site's form post: without an allowed Origin this may be CSRF.
      fail(exchange, 403, "csrf",
          "a publish authenticated by cookie must come from an allowed origin (--publish-origin)");
      return false;
    }
    if (invalid != null) {
      fail(exchange, 400, "invalid_update", invalid);
      return false;
    }
    for (String topic : topics) {
      if (SubscriptionTopics.isReserved(topic)) {
        fail(exchange, 403, "reserved_topic", "topic '" + topic + "' is in the hub's own namespace ("
            + Hub.PATH + "), where only the hub publishes (subscription events)");
        return false;
      }
      if (!TopicSelector.anyMatches(claims.publish(), List.of(topic))) {
        fail(exchange, 403, "forbidden", "the token may not publish to topic '" + topic + "'");
        return false;
      }
    }
    return true;
  }

  private void publish(HttpExchange exchange, Claims claims, String tokenKey, boolean fromAllowedOrigin,
      Update update, String invalid) {
    if (!authorized(exchange, claims, tokenKey, fromAllowedOrigin, update == null ? List.of() : update.topics(),
        invalid)) {
      return;
    }
    exchange.deferAnswer();
    log.appendAsync(List.of(update)).whenComplete((entries, error) -> exchange.execute(() -> {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause == null) {
        Responses.text(exchange, entries.get(0).update().id());
      } else if (cause instanceof DuplicateIdException conflict) {
        fail(exchange, 409, "id_conflict", conflict.getMessage());
      } else if (cause instanceof UnconfirmedException unconfirmed) {
        LOG.log(System.Logger.Level.WARNING, "append not confirmed: " + unconfirmed.getMessage());
        // Stored, so it may still be delivered: only a retry with its id is safe from duplicating it.
        fail(exchange, 503, "store_unavailable", unconfirmed.getMessage()
            + "; it is stored and may still be delivered: retry shortly (with an id, a retry cannot duplicate it)",
            "Retry-After", "1");
      } else {
        LOG.log(System.Logger.Level.ERROR, "append failed", cause);
        // "Not confirmed", not "not stored": a store that timed out may have kept it. With an id, a retry
        // cannot store it twice (the same id and content answer the stored update).
        fail(exchange, 503, "store_unavailable",
            "the update could not be confirmed as stored; retry shortly (with an id, a retry cannot duplicate it)",
            "Retry-After", "1");
      }
    }));
  }

  /** Answers an error and counts it by its code. */
  private void fail(HttpExchange exchange, int status, String code, String message, String... headers) {
    metrics.publishError(code);
    Responses.error(exchange, status, code, message, headers);
  }

  /** Answers 429 with Retry-After and returns true when {@code key} is over its publish rate. */
  private boolean rateLimited(HttpExchange exchange, String key) {
    if (limiter == null) {
      return false;
    }
    long waitNanos = limiter.tryAcquire(key);
    if (waitNanos == 0) {
      return false;
    }
    long seconds = Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
    fail(exchange, 429, "rate_limited", "too many publishes; retry in " + seconds + " s",
        "Retry-After", Long.toString(seconds));
    return true;
  }

  /** A digest of the token, so the limiter's memory never holds a usable token. */
  private static String fingerprint(String token) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private boolean fromAllowedOrigin(HttpExchange exchange) {
    String origin = exchange.header("Origin");
    if (origin == null) {
      String referer = exchange.header("Referer");
      if (referer != null) {
        try {
          java.net.URI uri = java.net.URI.create(referer);
          origin = uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException malformed) {
          return false;
        }
      }
    }
    return origin != null && publishOrigins.contains(origin);
  }

  static byte[] encode(Update update) {
    return SseEncoder.encode(new SseEvent(update.id(), update.type(), update.data(),
        update.retryMillis() == null ? null : java.time.Duration.ofMillis(update.retryMillis()), null));
  }

  /** The Mercure publish form, read strictly. */
  static final class UpdateForm {
    private UpdateForm() {}

    static Update parse(Map<String, List<String>> form) {
      List<String> topics = form.getOrDefault("topic", List.of());
      checkTopics(topics);
      String id = single(form, "id");
      if (id != null && (id.isEmpty() || id.startsWith("#"))) {
        throw new IllegalArgumentException("'id' must be non-empty and must not start with '#'");
      }
      if (EventLog.EARLIEST.equals(id)) {
        throw new IllegalArgumentException("'id' must not be 'earliest', which subscribers use to ask for all history");
      }
      if (id != null && (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\0') >= 0)) {
        throw new IllegalArgumentException("'id' must not contain CR, LF or NUL");
      }
      String type = single(form, "type");
      if (type != null && (type.indexOf('\n') >= 0 || type.indexOf('\r') >= 0)) {
        throw new IllegalArgumentException("'type' must not contain CR or LF");
      }
      String retry = single(form, "retry");
      Long retryMillis = null;
      if (retry != null) {
        if (retry.isEmpty() || !retry.chars().allMatch(c -> c >= '0' && c <= '9') || retry.length() > 18) {
          throw new IllegalArgumentException("'retry' must be a number of milliseconds");
        }
        retryMillis = Long.parseLong(retry);
      }
      String data = single(form, "data");
      return new Update(id, topics, data == null ? "" : data, form.containsKey("private"),
          type == null || type.isEmpty() ? null : type, retryMillis);
    }

    static void checkTopics(List<String> topics) {
      if (topics.isEmpty() || topics.stream().anyMatch(String::isEmpty)) {
        throw new IllegalArgumentException("give at least one non-empty 'topic'");
      }
      if (topics.stream().anyMatch(topic -> topic.indexOf('\n') >= 0 || topic.indexOf('\r') >= 0)) {
        throw new IllegalArgumentException("a 'topic' must not contain CR or LF");
      }
    }

    static String single(Map<String, List<String>> form, String name) {
      List<String> values = form.get(name);
      if (values == null || values.isEmpty()) {
        return null;
      }
      if (values.size() > 1) {
        throw new IllegalArgumentException("give '" + name + "' at most once");
      }
      return values.get(0);
    }
  }
}
