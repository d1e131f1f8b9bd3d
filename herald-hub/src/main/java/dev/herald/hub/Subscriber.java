package dev.herald.hub;

import dev.herald.hub.auth.AuthException;
import dev.herald.hub.auth.Claims;
import dev.herald.hub.auth.JwtVerifier;
import dev.herald.hub.auth.TokenLocator;
import dev.herald.hub.log.Entry;
import dev.herald.hub.log.EventLog;
import dev.herald.hub.log.Replay;
import dev.herald.hub.topic.TopicSelector;
import dev.herald.server.FanOut;
import dev.herald.server.HttpExchange;
import dev.herald.server.SseChunks;
import dev.herald.server.SseStream;
import dev.herald.server.Subscription;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /.well-known/mercure}: checks the selectors and the token, answers with the event
 * stream, registers for live updates, then replays from the log what followed the client's
 * {@code Last-Event-ID}. Registration and replay run in one event-loop task, and live deliveries to
 * that loop queue behind it; the subscription's sequence skips what the replay already wrote. So no
 * update is lost or sent twice.
 */
final class Subscriber {
  static final String CACHE_CONTROL = "private, no-cache, no-store, must-revalidate, max-age=0";
  private static final int REPLAY_PAGE = 1000;

  private final JwtVerifier verifier;
  private final boolean anonymous;
  private final EventLog log;
  private final FanOut<Update> fanOut;
  private final Clock clock;

  Subscriber(JwtVerifier verifier, boolean anonymous, EventLog log, FanOut<Update> fanOut, Clock clock) {
    this.verifier = verifier;
    this.anonymous = anonymous;
    this.log = log;
    this.fanOut = fanOut;
    this.clock = clock;
  }

  void handle(HttpExchange exchange) {
    List<String> topics = exchange.query().getOrDefault("topic", List.of());
    if (topics.isEmpty()) {
      Responses.error(exchange, 400, "missing_topic", "give at least one 'topic' query parameter");
      return;
    }
    List<TopicSelector> selectors = new ArrayList<>(topics.size());
    for (String topic : topics) {
      try {
        selectors.add(TopicSelector.parse(topic));
      } catch (IllegalArgumentException malformed) {
        Responses.error(exchange, 400, "invalid_topic", malformed.getMessage());
        return;
      }
    }
    Claims claims;
    try {
      claims = authorize(exchange);
    } catch (AuthException refusal) {
      Responses.unauthorized(exchange, refusal);
      return;
    }

    String cursor = exchange.header("Last-Event-ID");
    if (cursor == null) {
      cursor = exchange.queryParameter("lastEventID");
    }
    Replay replay = cursor == null ? null : log.readAfter(cursor, REPLAY_PAGE);
    SseStream stream = replay == null
        ? exchange.openStream("Cache-Control", CACHE_CONTROL)
        : exchange.openStream("Cache-Control", CACHE_CONTROL, "Last-Event-ID",
            replay.cursorFound() && !cursor.equals(EventLog.EARLIEST) ? cursor : EventLog.EARLIEST);

    Predicate<Update> filter = update -> TopicSelector.anyMatches(selectors, update.topics())
        && (!update.isPrivate() || TopicSelector.anyMatches(claims.subscribe(), update.topics()));
    Subscription<Update> subscription = new Subscription<>(stream, filter);
    fanOut.add(subscription);
    if (replay != null) {
      replay(stream, subscription, filter, replay);
    }
    stream.flush();
    closeAtExpiry(stream, claims);
  }

  private Claims authorize(HttpExchange exchange) throws AuthException {
    String token = TokenLocator.find(exchange);
    if (token == null) {
      if (!anonymous) {
        throw new AuthException("missing_token", "this hub does not allow anonymous subscribers");
      }
      return Claims.ANONYMOUS;
    }
    return verifier.verify(token);
  }

  private void replay(SseStream stream, Subscription<Update> subscription, Predicate<Update> filter,
      Replay replay) {
    long upTo = replay.upToSequence();
    List<Entry> page = replay.entries();
    long last = 0;
    pages:
    while (!page.isEmpty()) {
      for (Entry entry : page) {
        if (entry.sequence() > upTo) {
          break pages; // newer than the read: it arrives live
        }
        last = entry.sequence();
        if (filter.test(entry.update())
            && !stream.write(SseChunks.frame(PooledByteBufAllocator.DEFAULT, Publisher.encode(entry.update())))) {
          break pages; // closed, e.g. as a slow consumer: the client will resume from what it got
        }
      }
      if (last >= upTo) {
        break;
      }
      page = log.readAfterSequence(last, REPLAY_PAGE);
    }
    subscription.writtenUpTo(upTo);
  }

  private void closeAtExpiry(SseStream stream, Claims claims) {
    if (claims.expiresAt() == null) {
      return;
    }
    long delay = Duration.between(clock.instant(), claims.expiresAt()).toMillis();
    stream.eventLoop().schedule(stream::close, Math.max(0, delay), TimeUnit.MILLISECONDS);
  }
}
