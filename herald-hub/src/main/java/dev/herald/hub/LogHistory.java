package dev.herald.hub;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import dev.herald.server.History;
import dev.herald.server.HttpExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One subscriber's history from the event log: the updates after its cursor that it may see, encoded,
 * a page at a time (the fan-out asks on a reader thread, bounded by bytes). The history ends at the
 * log's last sequence when the first page was read; what comes after reaches the subscriber live.
 */
final class LogHistory implements History {
  private static final System.Logger LOG = System.getLogger(LogHistory.class.getName());
  /** Most entries per read, whatever their size (the byte bound usually stops a page first). */
  static final int PAGE_ENTRIES = 1000;

  private final EventLog log;
  private final String cursor;
  private final boolean wantsReset;
  private final Predicate<Update> visible;
  private final HubMetrics metrics;
  /** Set by the first read on a reader thread, read by later pages on others. */
  private volatile long upTo;

  LogHistory(EventLog log, String cursor, boolean wantsReset, Predicate<Update> visible, HubMetrics metrics) {
    this.log = log;
    this.cursor = cursor;
    this.wantsReset = wantsReset;
    this.visible = visible;
    this.metrics = metrics;
  }

  @Override
  public Start start(int maxBytes) {
    Replay replay = log.readAfter(cursor, PAGE_ENTRIES, maxBytes);
    upTo = replay.upToSequence();
    metrics.replayStarted(replay.cursorFound());
    boolean earliest = cursor.equals(EventLog.EARLIEST);
    boolean found = replay.cursorFound() && !earliest;
    List<byte[]> prelude = !found && wantsReset && !earliest
        ? List.of(dev.herald.sse.SseEncoder.encode(Subscriber.resetEvent(cursor))) : List.of();
    return new Start(List.of("Cache-Control", Subscriber.CACHE_CONTROL,
        "Last-Event-ID", found ? HeaderText.write(cursor) : EventLog.EARLIEST), prelude, page(replay.entries()));
  }

  @Override
  public void unavailable(HttpExchange exchange, RuntimeException cause) {
    LOG.log(System.Logger.Level.ERROR, "reading history failed", cause);
    metrics.subscribeError("store_unavailable");
    Responses.error(exchange, 503, "store_unavailable", "the event log could not be read; retry shortly",
        "Retry-After", "1");
  }

  @Override
  public Page pageAfter(long sequence, int maxBytes) {
    return page(log.readAfterSequence(sequence, PAGE_ENTRIES, maxBytes));
  }

  /** The visible entries up to {@link #upTo}, encoded; where the page ends and whether more follows. */
  private Page page(List<Entry> entries) {
    List<byte[]> events = new ArrayList<>();
    long reached = -1;
    boolean passed = false;
    for (Entry entry : entries) {
      if (entry.sequence() > upTo) {
        passed = true; // newer than the first read: the subscriber gets it live
        break;
      }
      reached = entry.sequence();
      if (visible.test(entry.update())) {
        events.add(Publisher.encode(entry.update()));
      }
    }
    boolean more = !passed && reached >= 0 && reached < upTo;
    return new Page(events, more ? reached : upTo, more);
  }
}
