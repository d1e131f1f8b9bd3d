package dev.herald.hub;
import dev.herald.log.Update;

import dev.herald.hub.auth.AuthException;
import dev.herald.hub.auth.Claims;
import dev.herald.hub.auth.JwtVerifier;
import dev.herald.hub.auth.TokenLocator;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.Replay;
import dev.herald.hub.topic.TopicSelector;
import dev.herald.server.FanOut;
import dev.herald.server.HttpExchange;
import dev.herald.server.SseChunks;
import dev.herald.server.SseStream;
import dev.herald.server.Subscription;
import dev.herald.sse.SseEvent;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /.well-known/mercure}: checks the selectors and the token, registers a pending
 * subscription (live updates are held from that moment), reads the history after the client's
 * {@code Last-Event-ID} on a reader thread, opens the stream, writes the history page by page as the
 * socket drains, then writes the held updates that are newer than the history and goes live. So no
 * update is lost or sent twice, and no event loop waits for storage.
 */
final class Subscriber {
  private static final System.Logger LOG = System.getLogger(Subscriber.class.getName());
  /** Query parameter that asks for {@link #RESET_EVENT} when history does not reach the cursor. */
  static final String RESET_PARAMETER = "herald-reset";
  /** The type of the event that tells a subscriber it may have missed updates. */
  static final String RESET_EVENT = "herald-reset";
  static final String CACHE_CONTROL = "private, no-cache, no-store, must-revalidate, max-age=0";
  private static final int REPLAY_PAGE = 1000;
  /** A replay writes its events in chunks of about this size: one write for many small events. */
  static final int REPLAY_CHUNK_BYTES = 32 * 1024;

  private final JwtVerifier verifier;
  private final boolean anonymous;
  private final EventLog log;
  private final FanOut<Dispatched> fanOut;
  private final Clock clock;
  private final Executor readers;
  private final SelectorLimits limits;
  private final Matching matching;
  private final HubMetrics metrics;

  Subscriber(JwtVerifier verifier, boolean anonymous, EventLog log, FanOut<Dispatched> fanOut, Clock clock,
      Executor readers, SelectorLimits limits, Matching matching, HubMetrics metrics) {
    this.metrics = metrics;
    this.readers = readers;
    this.limits = limits;
    this.matching = matching;
    this.verifier = verifier;
    this.anonymous = anonymous;
    this.log = log;
    this.fanOut = fanOut;
    this.clock = clock;
  }

  void handle(HttpExchange exchange) {
    List<TopicSelector> selectors;
    try {
      selectors = limits.parse(exchange.query().getOrDefault("topic", List.of()));
    } catch (SelectorLimits.Refused refused) {
      fail(exchange, 400, refused.code, refused.getMessage());
      return;
    }
    String lastEventId = HeaderText.read(exchange.header("Last-Event-ID")); // browsers send UTF-8
    String cursor = lastEventId != null ? lastEventId : exchange.queryParameter("lastEventID");
    boolean wantsReset = exchange.query().containsKey(RESET_PARAMETER);
    Verified.then(exchange, authorize(exchange), claims -> subscribe(exchange, selectors, claims, cursor, wantsReset),
        refusal -> {
          metrics.subscribeError(refusal.code());
          LOG.log(System.Logger.Level.INFO, "subscription refused: reason=" + refusal.code() + " address="
              + exchange.remoteAddress()); // the reason only: never the token
          Responses.unauthorized(exchange, refusal);
        });
  }

  private void subscribe(HttpExchange exchange, List<TopicSelector> selectors, Claims claims, String cursor,
      boolean wantsReset) {
    Interest interest = new Interest(selectors, claims.subscribe());
    // Registered before history is read: what is published meanwhile is held, not lost.
    Subscription<Dispatched> subscription = Subscription.pending(exchange,
        dispatched -> interest.wants(dispatched.update(), dispatched.scope()));
    List<String> exact = exactTopics(selectors);
    if (exact != null) {
      subscription.indexedBy(exact); // offered only updates on these topics, not every update
    } else if (interest.costly()) {
      subscription.costly(); // its templates are matched after the cheap subscriptions got the update
    }
    Predicate<Update> filter = update -> interest.wants(update, matching.scope(update));
    fanOut.add(subscription);
    if (cursor == null) {
      subscription.attach(exchange.openStream("Cache-Control", CACHE_CONTROL));
      goLive(subscription, claims);
      return;
    }
    exchange.deferAnswer();
    readers.execute(() -> readFirstPage(exchange, subscription, filter, claims, cursor, wantsReset));
  }

  /** On a reader thread: the first page of history, then the stream opens on the event loop. */
  private void readFirstPage(HttpExchange exchange, Subscription<Dispatched> subscription, Predicate<Update> filter,
      Claims claims, String cursor, boolean wantsReset) {
    Replay replay;
    try {
      replay = log.readAfter(cursor, REPLAY_PAGE);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "reading history failed", e);
      exchange.execute(() -> fail(exchange, 503, "store_unavailable",
          "the event log could not be read; retry shortly"));
      return;
    }
    exchange.execute(() -> {
      if (!exchange.isOpen()) {
        return;
      }
      boolean found = replay.cursorFound() && !cursor.equals(EventLog.EARLIEST);
      metrics.replayStarted(replay.cursorFound());
      SseStream stream = exchange.openStream("Cache-Control", CACHE_CONTROL,
          "Last-Event-ID", found ? HeaderText.write(cursor) : EventLog.EARLIEST);
      subscription.attach(stream);
      if (!found && wantsReset && !cursor.equals(EventLog.EARLIEST)) {
        stream.send(resetEvent(cursor));
      }
      new Replaying(exchange, stream, subscription, filter, claims, replay.upToSequence())
          .write(replay.entries(), 0);
    });
  }

  /** The rest of one subscriber's replay: pages written as the socket drains, then live. */
  private final class Replaying {
    private final HttpExchange exchange;
    private final SseStream stream;
    private final Subscription<Dispatched> subscription;
    private final Predicate<Update> filter;
    private final Claims claims;
    private final long upTo;
    private long last;

    Replaying(HttpExchange exchange, SseStream stream, Subscription<Dispatched> subscription,
        Predicate<Update> filter, Claims claims, long upTo) {
      this.exchange = exchange;
      this.stream = stream;
      this.subscription = subscription;
      this.filter = filter;
      this.claims = claims;
      this.upTo = upTo;
    }

    /**
     * On the event loop: writes {@code page} from {@code index}, several events per chunk (up to
     * {@link #REPLAY_CHUNK_BYTES}), pausing while the socket is full.
     */
    void write(List<Entry> page, int index) {
      List<byte[]> batch = new ArrayList<>();
      int batchBytes = 0;
      for (int i = index; i < page.size(); i++) {
        Entry entry = page.get(i);
        if (!stream.isOpen()) {
          return;
        }
        if (entry.sequence() > upTo) {
          send(batch, batchBytes);
          finish(); // newer than the first read: held live events cover it
          return;
        }
        if (batchBytes >= REPLAY_CHUNK_BYTES) {
          send(batch, batchBytes);
          batch.clear();
          batchBytes = 0;
        }
        // only a write changes writability: with events still batched the last check holds
        if (batch.isEmpty() && !stream.isWritable()) {
          int resume = i;
          stream.flushed().addListener(done -> exchange.execute(() -> write(page, resume)));
          return;
        }
        last = entry.sequence();
        if (filter.test(entry.update())) {
          byte[] event = Publisher.encode(entry.update());
          batch.add(event);
          batchBytes += event.length;
        }
      }
      send(batch, batchBytes);
      if (last < upTo && page.size() == REPLAY_PAGE) {
        long after = last;
        stream.flushed().addListener(done -> readers.execute(() -> {
          List<Entry> next;
          try {
            next = log.readAfterSequence(after, REPLAY_PAGE);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "reading history failed", e);
            exchange.execute(stream::close);
            return;
          }
          exchange.execute(() -> write(next, 0));
        }));
        return;
      }
      finish();
    }

    /** Writes the encoded events as one chunk; a closed stream drops them. */
    private void send(List<byte[]> batch, int bytes) {
      if (!batch.isEmpty() && stream.write(SseChunks.frame(PooledByteBufAllocator.DEFAULT, batch, bytes))) {
        metrics.replayed(batch.size());
      }
    }

    private void finish() {
      subscription.writtenUpTo(upTo);
      if (!stream.isWritable()) {
        // the history is queued but not flushed yet: going live now would take the held updates
        // for a slow consumer's; wait until the socket took it
        stream.flushed().addListener(done -> exchange.execute(() -> goLive(subscription, claims)));
        return;
      }
      goLive(subscription, claims);
    }
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


  private void goLive(Subscription<Dispatched> subscription, Claims claims) {
    if (subscription.goLive()) {
      closeAtExpiry(subscription.stream(), claims);
    }
  }

  /** The subscriber's claims; complete at once unless a JWKS must be fetched first. */
  private CompletableFuture<Claims> authorize(HttpExchange exchange) {
    String token;
    try {
      token = TokenLocator.find(exchange);
    } catch (AuthException refusal) {
      return CompletableFuture.failedFuture(refusal);
    }
    if (token == null) {
      return anonymous ? CompletableFuture.completedFuture(Claims.ANONYMOUS) : CompletableFuture.failedFuture(
          new AuthException("missing_token", "this hub does not allow anonymous subscribers"));
    }
    return verifier.verifyAsync(token);
  }

  private void closeAtExpiry(SseStream stream, Claims claims) {
    if (claims.expiresAt() == null) {
      return;
    }
    long delay = Duration.between(clock.instant(), claims.expiresAt()).toMillis();
    stream.eventLoop().schedule(stream::close, Math.max(0, delay), TimeUnit.MILLISECONDS);
  }
}
