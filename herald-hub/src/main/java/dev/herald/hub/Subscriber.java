package dev.herald.hub;

import dev.herald.log.Update;
import dev.herald.server.HttpExchange;
import dev.herald.server.Subscription;
import dev.herald.sse.SseEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /.well-known/mercure}: checks the selectors and the token, then subscribes through the
 * fan-out: live at once, or, with a {@code Last-Event-ID}, with the {@link LogHistory history} after
 * it first (the fan-out owns the handoff from history to live: nothing lost, nothing twice, bounded
 * in bytes).
 */
final class Subscriber {
  private static final System.Logger LOG = System.getLogger(Subscriber.class.getName());
  /** Query parameter that asks for {@link #RESET_EVENT} when history does not reach the cursor. */
  static final String RESET_PARAMETER = "herald-reset";
  /** The type of the event that tells a subscriber it may have missed updates. */
  static final String RESET_EVENT = "herald-reset";
  static final String CACHE_CONTROL = "private, no-cache, no-store, must-revalidate, max-age=0";

  private final JwtVerifier verifier;
  private final boolean anonymous;
  private final Feed updates;
  private final Feed subscriptionEvents;
  private final Presence presence;
  private final Clock clock;
  private final Executor readers;
  private final SelectorLimits limits;
  private final Matching matching;
  private final HubMetrics metrics;

  /**
   * A subscriber endpoint; {@code presence} and {@code subscriptionEvents} are {@code null} when the
   * hub does not track active subscriptions.
   */
  Subscriber(JwtVerifier verifier, boolean anonymous, Feed updates, Feed subscriptionEvents, Presence presence,
      Clock clock, Executor readers, SelectorLimits limits, Matching matching, HubMetrics metrics) {
    this.metrics = metrics;
    this.readers = readers;
    this.limits = limits;
    this.matching = matching;
    this.verifier = verifier;
    this.anonymous = anonymous;
    this.updates = updates;
    this.subscriptionEvents = subscriptionEvents;
    this.presence = presence;
    this.clock = clock;
  }

  void handle(HttpExchange exchange) {
    List<String> texts = exchange.query().getOrDefault("topic", List.of());
    List<TopicSelector> selectors;
    try {
      selectors = limits.parse(texts);
    } catch (SelectorLimits.Refused refused) {
      fail(exchange, 400, refused.code, refused.getMessage());
      return;
    }
    Feed feed = feedOf(texts);
    if (feed == null) {
      fail(exchange, 400, "mixed_selectors", "subscription events (" + SubscriptionTopics.PREFIX
          + "...) come from a log of their own: subscribe to them with a connection of their own");
      return;
    }
    String lastEventId = HeaderText.read(exchange.header("Last-Event-ID")); // browsers send UTF-8
    String cursor = lastEventId != null ? lastEventId : exchange.queryParameter("lastEventID");
    boolean wantsReset = exchange.query().containsKey(RESET_PARAMETER);
    Verified.then(exchange, authorize(exchange),
        claims -> subscribe(exchange, feed, texts, selectors, claims, cursor, wantsReset),
        refusal -> {
          metrics.subscribeError(refusal.code());
          LOG.log(System.Logger.Level.INFO, "subscription refused: reason=" + refusal.code() + " address="
              + exchange.remoteAddress()); // the reason only: never the token
          Responses.unauthorized(exchange, refusal);
        });
  }

  private void subscribe(HttpExchange exchange, Feed feed, List<String> texts, List<TopicSelector> selectors,
      Claims claims, String cursor, boolean wantsReset) {
    Interest interest = new Interest(selectors, claims.subscribe());
    Subscription<Dispatched> subscription = new Subscription<>(
        dispatched -> interest.wants(dispatched.update(), dispatched.scope()));
    List<String> exact = exactTopics(selectors);
    if (exact != null) {
      subscription.indexedBy(exact); // offered only updates on these topics, not every update
    } else if (interest.costly()) {
      subscription.costly(); // its templates are matched after the cheap subscriptions got the update
    }
    closeAtExpiry(exchange, claims);
    if (cursor == null) {
      feed.fanOut().subscribe(exchange, subscription, "Cache-Control", CACHE_CONTROL);
    } else {
      Predicate<Update> visible = update -> interest.wants(update, matching.scope(update));
      feed.fanOut().subscribe(exchange, subscription,
          new LogHistory(feed.log(), cursor, wantsReset, visible, metrics), readers);
    }
    if (presence != null) { // after: a watcher of subscription events sees its own subscription too
      announce(exchange, texts, claims);
    }
  }

  /**
   * The feed a subscription with these selectors follows: the subscription events' when presence is
   * on and they are all about those, the updates' when none is; {@code null} for a mix of both.
   */
  private Feed feedOf(List<String> selectors) {
    if (presence == null) {
      return updates;
    }
    long events = selectors.stream().filter(SubscriptionTopics::isEventSelector).count();
    return events == 0 ? updates : events == selectors.size() ? subscriptionEvents : null;
  }

  /** Reports the connection's subscriptions active now, and ended when the connection ends. */
  private void announce(HttpExchange exchange, List<String> selectors, Claims claims) {
    Presence.Connection connection = presence.opened(selectors, claims.payload());
    exchange.closeFuture().addListener(closed -> presence.closed(connection));
  }

  /** The topics of a subscription whose selectors are all exact topics, else null (it must see everything). */
  private static List<String> exactTopics(List<TopicSelector> selectors) {
    List<String> topics = new ArrayList<>(selectors.size());
    for (TopicSelector selector : selectors) {
      String topic = selector.exactTopic();
      if (topic == null) {
        return null;
      }
      topics.add(topic);
    }
    return topics;
  }

  /** Answers an error and counts it by its code. */
  private void fail(HttpExchange exchange, int status, String code, String message, String... headers) {
    metrics.subscribeError(code);
    Responses.error(exchange, status, code, message, headers);
  }

  /**
   * The opt-in signal that history no longer reaches the client's cursor: a named event without an
   * id (so the client's last event ID is not disturbed), sent before the retained history.
   */
  static SseEvent resetEvent(String cursor) {
    return SseEvent.builder().type(RESET_EVENT)
        .data("{\"lastEventID\":" + Json.string(cursor) + ",\"reason\":\"history does not reach this id\"}")
        .build();
  }


  /** The subscriber's claims; complete at once unless a JWKS must be fetched first. */
  private CompletableFuture<Claims> authorize(HttpExchange exchange) {
    return claims(exchange, verifier, anonymous ? Claims.ANONYMOUS : null,
        "this hub does not allow anonymous subscribers");
  }

  /**
   * The claims of the request's subscriber token (header, cookie or query parameter); without one,
   * {@code anonymous}, or, when that is {@code null}, a {@code missing_token} refusal saying
   * {@code missing}.
   */
  static CompletableFuture<Claims> claims(HttpExchange exchange, JwtVerifier verifier, Claims anonymous,
      String missing) {
    String token;
    try {
      token = TokenLocator.find(exchange);
    } catch (AuthException refusal) {
      return CompletableFuture.failedFuture(refusal);
    }
    if (token == null) {
      return anonymous != null ? CompletableFuture.completedFuture(anonymous)
          : CompletableFuture.failedFuture(new AuthException("missing_token", missing));
    }
    return verifier.verifyAsync(token);
  }

  /** Ends the subscription when its token expires, whether it is still replaying or live. */
  private void closeAtExpiry(HttpExchange exchange, Claims claims) {
    if (claims.expiresAt() == null) {
      return;
    }
    long delay = Duration.between(clock.instant(), claims.expiresAt()).toMillis();
    exchange.eventLoop().schedule(exchange::close, Math.max(0, delay), TimeUnit.MILLISECONDS);
  }
}
