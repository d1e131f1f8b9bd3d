package dev.herald.log;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A log whose appends fail, as on a full disk, while {@link #failAppends(boolean)} is on; every
 * other call goes to the wrapped log. For the tests of what feeds a log (sources, publishers): what
 * they do while the store refuses, and that nothing is lost once it takes appends again.
 */
public final class FailingLog extends ForwardingEventLog {
  private final AtomicInteger appendAttempts = new AtomicInteger();
  private final AtomicInteger failedAppends = new AtomicInteger();
  private volatile boolean failing;

  public FailingLog(EventLog log) {
    super(log);
  }

  /** While on, every append fails with "injected: disk full" and stores nothing. */
  public void failAppends(boolean failing) {
    this.failing = failing;
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    appendAttempts.incrementAndGet();
    if (failing) {
      failedAppends.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("injected: disk full"));
    }
    return log.appendAsync(updates);
  }

  /** Appends asked for, failed or not. */
  public int appendAttempts() {
    return appendAttempts.get();
  }

  /** Appends refused while failing. */
  public int failedAppends() {
    return failedAppends.get();
  }

  /** Every stored entry, in the log's order. */
  public List<Entry> entries() {
    return log.readAfterSequence(0, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Every stored update, in the log's order. */
  public List<Update> updates() {
    return entries().stream().map(Entry::update).toList();
  }

  /** The ids stored, in the log's order. */
  public List<String> ids() {
    return entries().stream().map(entry -> entry.update().id()).toList();
  }
}
