package dev.herald.source.rabbitmq;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogStats;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The hub's memory log, whose appends fail (as on a full disk) while {@link #failing} is set. */
final class FlakyLog implements EventLog {
  private final MemoryEventLog log = new MemoryEventLog(100_000, new IdGenerator());
  volatile boolean failing;
  final AtomicInteger appends = new AtomicInteger();

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    appends.incrementAndGet();
    if (failing) {
      return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
    }
    return log.appendAsync(updates);
  }

  /** Every stored update, in order. */
  List<Update> updates() {
    return log.readAfterSequence(0, 1_000_000, Long.MAX_VALUE).stream().map(Entry::update).toList();
  }

  List<String> ids() {
    return updates().stream().map(Update::id).toList();
  }

  @Override
  public void onAppend(Consumer<List<Entry>> listener) {
    log.onAppend(listener);
  }

  @Override
  public Replay readAfter(String lastEventId, int limit, long maxBytes) {
    return log.readAfter(lastEventId, limit, maxBytes);
  }

  @Override
  public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    return log.readAfterSequence(sequence, limit, maxBytes);
  }

  @Override
  public long lastSequence() {
    return log.lastSequence();
  }

  @Override
  public LogStats stats() {
    return log.stats();
  }

  @Override
  public void close() {
    log.close();
  }
}
