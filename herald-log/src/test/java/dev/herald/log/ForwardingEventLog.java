package dev.herald.log;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** An event log that forwards every call, for tests that observe or slow down one kind of call. */
public class ForwardingEventLog implements EventLog {
  protected final EventLog log;

  public ForwardingEventLog(EventLog log) {
    this.log = log;
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    return log.appendAsync(updates);
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
  public void onCommit(CommitListener listener) {
    log.onCommit(listener);
  }

  @Override
  public void close() {
    log.close();
  }
}
