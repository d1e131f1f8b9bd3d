package dev.herald.hub;

import dev.herald.hub.auth.AuthException;
import dev.herald.hub.auth.Claims;
import dev.herald.hub.auth.JwtVerifier;
import dev.herald.hub.auth.TokenLocator;
import dev.herald.hub.log.DuplicateIdException;
import dev.herald.hub.log.Entry;
import dev.herald.hub.log.EventLog;
import dev.herald.hub.topic.TopicSelector;
import dev.herald.server.FanOut;
import dev.herald.server.HttpExchange;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /.well-known/mercure}: validates the form, checks the publisher's token covers every
 * topic, appends to the log and fans the update out, all under one lock so that fan-out order is log
 * order. Answers 200 with the event id.
 */
final class Publisher {
  private final JwtVerifier verifier;
  private final EventLog log;
  private final FanOut<Update> fanOut;
  private final Object lock = new Object();
  private long lastPublished;

  Publisher(JwtVerifier verifier, EventLog log, FanOut<Update> fanOut) {
    this.verifier = verifier;
    this.log = log;
    this.fanOut = fanOut;
    this.lastPublished = log.lastSequence();
  }

  void handle(HttpExchange exchange) {
    if (!exchange.contentType().equals("application/x-www-form-urlencoded")) {
      Responses.error(exchange, 415, "unsupported_media_type",
          "publish with Content-Type application/x-www-form-urlencoded");
      return;
    }
    Claims claims;
    try {
      String token = TokenLocator.find(exchange);
      if (token == null) {
        throw new AuthException("missing_token", "publishing needs a JWT (Authorization: Bearer ...)");
      }
      claims = verifier.verify(token);
    } catch (AuthException refusal) {
      Responses.unauthorized(exchange, refusal);
      return;
    }
    Update update;
    try {
      update = UpdateForm.parse(exchange.form());
    } catch (IllegalArgumentException invalid) {
      Responses.error(exchange, 400, "invalid_update", invalid.getMessage());
      return;
    }
    for (String topic : update.topics()) {
      if (!TopicSelector.anyMatches(claims.publish(), List.of(topic))) {
        Responses.error(exchange, 403, "forbidden", "the token may not publish to topic '" + topic + "'");
        return;
      }
    }
    Entry entry;
    try {
      entry = append(update);
    } catch (DuplicateIdException conflict) {
      Responses.error(exchange, 409, "id_conflict", conflict.getMessage());
      return;
    }
    Responses.text(exchange, entry.update().id());
  }

  private Entry append(Update update) {
    synchronized (lock) {
      Entry entry = log.append(List.of(update)).get(0);
      if (entry.sequence() > lastPublished) { // not an idempotent repeat of a stored update
        lastPublished = entry.sequence();
        fanOut.publish(entry.update(), entry.sequence(), encode(entry.update()));
      }
      return entry;
    }
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
      if (topics.isEmpty() || topics.stream().anyMatch(String::isEmpty)) {
        throw new IllegalArgumentException("give at least one non-empty 'topic'");
      }
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

    private static String single(Map<String, List<String>> form, String name) {
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
