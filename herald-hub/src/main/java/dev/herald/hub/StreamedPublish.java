package dev.herald.hub;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.UnconfirmedException;
import dev.herald.log.Update;
import dev.herald.server.BodyReceiver;
import dev.herald.server.HttpExchange;
import dev.herald.sse.EventStreamLimitException;
import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One streaming publish ({@code POST /.well-known/mercure?topic=...} with a {@code text/event-stream}
 * body), authorized already: every event of the body becomes an update on the request's topics,
 * appended to the log as it arrives. Events parsed while an append is under way wait and go in the
 * next append together, so a fast producer gets large appends and a slow one gets each event stored
 * at once. Past {@link #PAUSE_EVENTS} waiting events (or {@link #PAUSE_BYTES}) the body is no longer
 * read until the log caught up: memory stays bounded and the producer is slowed by TCP, not refused.
 *
 * <p>At the end of the body the answer is {@code 200} with the ids of the published updates, one per
 * line, in order. If the body is cut off, the complete events received are published and the partial
 * one is not (as an {@code EventSource} would never dispatch it). A bad event (an id the hub refuses,
 * an event over the size limit, the stream over its length) ends the stream: the events before it are
 * published, and the answer's first line says what was wrong, followed by their ids.
 *
 * <p>An event's id is the one its own {@code id:} field set; unlike an {@code EventSource}, which keeps
 * the last id for the events after it, an event without an {@code id:} line gets an id from the hub
 * (two updates with one id would be one update). A {@code retry:} applies to the next event.
 */
final class StreamedPublish implements BodyReceiver, EventStreamParser.Listener {
  private static final System.Logger LOG = System.getLogger(StreamedPublish.class.getName());
  /**
   * The longest id an event of a stream may have: the answer holds every id until the stream ends,
   * so what one stream makes the hub hold is bounded by the events it may carry times this.
   */
  static final int MAX_ID_LENGTH = 256;
  /** Events waiting for the log before the body is paused. */
  static final int PAUSE_EVENTS = 8192;
  /** Bytes (data, ids and types) waiting for the log before the body is paused. */
  static final long PAUSE_BYTES = 8L << 20;

  private final HttpExchange exchange;
  private final EventLog log;
  private final List<String> topics;
  private final boolean isPrivate;
  private final HubMetrics metrics;
  private final long maxEvents;
  private final RateLimiter limiter;
  private final String tokenKey;
  private final EventStreamParser parser;

  private List<Update> waiting = new ArrayList<>();
  private long waitingBytes;
  private long received;
  private long published;
  private final StringBuilder ids = new StringBuilder();
  /** The parser's last event id after the previous event: an event whose id differs set its own. */
  private String previousId = "";
  private Long retryMillis;
  private boolean appending;
  /** A batch was refused for an id conflict: the events go to the log one at a time from then on. */
  private boolean oneByOne;
  private boolean paused;
  private boolean rateWait;
  private boolean ended;
  private boolean cutOff;
  private boolean done;
  /** Why the stream was refused part-way; answered once the events before it are stored. */
  private Refusal refusal;

  private record Refusal(int status, String code, String message) {}

  StreamedPublish(HttpExchange exchange, EventLog log, List<String> topics, boolean isPrivate, int maxEventSize,
      long maxEvents, RateLimiter limiter, String tokenKey, HubMetrics metrics) {
    this.exchange = exchange;
    this.log = log;
    this.topics = topics;
    this.isPrivate = isPrivate;
    this.maxEvents = maxEvents;
    this.limiter = limiter;
    this.tokenKey = tokenKey;
    this.metrics = metrics;
    this.parser = EventStreamParser.builder(this).maxEventSize(maxEventSize)
        .maxLineLength(Math.max(maxEventSize, 1024)).build();
  }

  @Override
  public void onData(ByteBuffer data) {
    if (refusal != null || done) {
      return;
    }
    try {
      parser.feed(data);
    } catch (EventStreamLimitException tooLarge) {
      refuse(413, "event_too_large", "event " + (received + 1) + " of the stream: " + tooLarge.getMessage());
    }
    next();
  }

  @Override
  public void onEnd() {
    parser.endOfStream(); // an unfinished last event is not an event
    ended = true;
    next();
  }

  @Override
  public void onAbort(String reason) {
    parser.endOfStream();
    ended = true;
    cutOff = true;
    LOG.log(System.Logger.Level.INFO, "streaming publish cut off after " + received + " events (" + reason
        + "); the complete ones are published");
    next();
  }

  @Override
  public void onEvent(SseEvent event) {
    if (refusal != null) {
      return;
    }
    String id = event.id().equals(previousId) || event.id().isEmpty() ? null : event.id();
    previousId = event.id();
    if (id != null && id.length() > MAX_ID_LENGTH) {
      refuse(400, "invalid_update", "event " + (received + 1) + " of the stream: its id is longer than "
          + MAX_ID_LENGTH + " characters");
      return;
    }
    if (id != null && (id.startsWith("#") || EventLog.EARLIEST.equals(id))) {
      refuse(400, "invalid_update", "event " + (received + 1) + " of the stream: its id must not start with '#'"
          + " nor be 'earliest'");
      return;
    }
    if (received == maxEvents) {
      refuse(413, "stream_too_long", "a stream may carry at most " + maxEvents + " events (--max-stream-events);"
          + " publish the rest in another");
      return;
    }
    received++;
    String type = SseEvent.DEFAULT_TYPE.equals(event.type()) ? null : event.type();
    Update update = new Update(id, topics, event.data(), isPrivate, type, retryMillis);
    waiting.add(update);
    waitingBytes += waitingSize(update);
    retryMillis = null;
  }

  @Override
  public void onRetry(Duration retry) {
    retryMillis = retry.toMillis();
  }

  /**
   * Ends the stream when its token expires, as a subscription ends then: the events received before
   * are published, the rest is refused ({@code 401}).
   */
  void expireAt(java.time.Instant expiresAt, java.time.Clock clock) {
    long delay = Math.max(0, Duration.between(clock.instant(), expiresAt).toMillis());
    expiry = exchange.eventLoop().schedule(() -> {
      if (!done) {
        refuse(401, "invalid_token", "the token expired while the stream was open; publish the rest with a new"
            + " token");
        next();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private java.util.concurrent.ScheduledFuture<?> expiry;

  private void refuse(int status, String code, String message) {
    if (refusal == null) {
      refusal = new Refusal(status, code, message);
    }
  }

  /** Appends what waits, pauses or resumes the body, or answers: whichever is due now. */
  private void next() {
    if (done || appending || rateWait) {
      pauseIfFull();
      return;
    }
    if (!waiting.isEmpty()) {
      append();
      return;
    }
    if (refusal != null) {
      finish(refusal.status, refusal.code + ": " + refusal.message + "\n");
    } else if (ended) {
      finish(200, "");
    } else if (paused) {
      paused = false;
      exchange.resumeBody();
    }
  }

  /** What a waiting update holds: its data, and its id and type, which the producer sets as freely. */
  private static long waitingSize(Update update) {
    return update.data().length() + (update.id() == null ? 0 : update.id().length())
        + (update.type() == null ? 0 : update.type().length());
  }

  private void pauseIfFull() {
    if (!paused && !ended && refusal == null && (waiting.size() >= PAUSE_EVENTS || waitingBytes >= PAUSE_BYTES)) {
      paused = true;
      exchange.pauseBody();
    }
  }

  private void append() {
    List<Update> batch = waiting;
    List<Update> rest = new ArrayList<>();
    if (oneByOne && batch.size() > 1) {
      rest = new ArrayList<>(batch.subList(1, batch.size()));
      batch = batch.subList(0, 1);
    }
    if (limiter != null) {
      int allowed = 0;
      long waitNanos = 0;
      while (allowed < batch.size() && (waitNanos = limiter.tryAcquire(tokenKey)) == 0) {
        allowed++;
      }
      if (allowed < batch.size()) {
        // Over the token's publish rate: the rest waits, and so does the body (the producer slows down).
        List<Update> over = new ArrayList<>(batch.subList(allowed, batch.size()));
        over.addAll(rest);
        rest = over;
        batch = batch.subList(0, allowed);
        rateWait = true;
        exchange.eventLoop().schedule(() -> {
          rateWait = false;
          next();
        }, Math.max(waitNanos, 1_000_000), TimeUnit.NANOSECONDS);
      }
    }
    waiting = rest;
    waitingBytes = 0;
    for (Update update : waiting) {
      waitingBytes += waitingSize(update);
    }
    if (batch.isEmpty()) {
      pauseIfFull();
      return;
    }
    appending = true;
    List<Update> appended = batch;
    log.appendAsync(appended)
        .whenComplete((entries, error) -> exchange.execute(() -> appended(appended, entries, error)));
    pauseIfFull();
  }

  private void appended(List<Update> batch, List<Entry> entries, Throwable error) {
    appending = false;
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof DuplicateIdException && batch.size() > 1) {
      // The log refuses a batch whole: its events go again one at a time, so that those before the
      // conflicting one are published, as when they came in batches of their own.
      List<Update> again = new ArrayList<>(batch);
      again.addAll(waiting);
      waiting = again;
      for (Update update : batch) {
        waitingBytes += waitingSize(update);
      }
      oneByOne = true;
      next();
      return;
    }
    if (cause != null) {
      String before = "; the " + published + " updates before it were published, their ids follow\n";
      if (cause instanceof DuplicateIdException conflict) {
        finish(409, "id_conflict: " + conflict.getMessage() + before);
      } else if (cause instanceof UnconfirmedException unconfirmed) {
        LOG.log(System.Logger.Level.WARNING, "append not confirmed: " + unconfirmed.getMessage());
        finish(503, "store_unavailable: " + unconfirmed.getMessage() + "; they are stored and may still be"
            + " delivered: with ids, sending the stream again cannot duplicate them" + before, "Retry-After", "1");
      } else {
        LOG.log(System.Logger.Level.ERROR, "append failed", cause);
        finish(503, "store_unavailable: the last events could not be confirmed as stored; with ids, sending"
            + " the stream again cannot duplicate them" + before, "Retry-After", "1");
      }
      return;
    }
    for (Entry entry : entries) {
      ids.append(entry.update().id()).append('\n');
    }
    published += entries.size();
    next();
  }

  private void finish(int status, String head, String... headers) {
    done = true;
    if (expiry != null) {
      expiry.cancel(false);
    }
    waiting = List.of();
    if (status != 200) {
      metrics.publishError(head.substring(0, head.indexOf(':')));
    }
    if (cutOff || !exchange.isOpen()) {
      return; // nobody to answer
    }
    exchange.respond(status, "text/plain; charset=utf-8", head + ids, headers);
  }
}
