package dev.herald.source;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.LogStats;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A log in a list with the idempotency rule every log applies: enough to specify the runner without
 * a hub (the connectors' tests use the hub's real logs; {@code FailingLog} makes appends fail).
 */
final class ListLog implements EventLog {
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Entry> byId = new HashMap<>();

  @Override
  public synchronized CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    DuplicateIdException.requireConsistentBatch(updates);
    for (Update update : updates) {
      Entry stored = byId.get(update.id());
      if (stored != null && !stored.update().sameContentAs(update)) {
        return CompletableFuture.failedFuture(new DuplicateIdException(update.id()));
      }
    }
    List<Entry> result = new ArrayList<>();
    for (Update update : updates) {
      Entry entry = byId.get(update.id());
      if (entry == null) {
        entry = new Entry(entries.size() + 1, update);
        entries.add(entry);
        byId.put(update.id(), entry);
      }
      result.add(entry);
    }
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public void onAppend(Consumer<List<Entry>> listener) {}

  @Override
  public Replay readAfter(String lastEventId, int limit, long maxBytes) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    int from = (int) Math.min(sequence, entries.size());
    return List.copyOf(entries.subList(from, (int) Math.min(entries.size(), (long) from + limit)));
  }

  @Override
  public synchronized long lastSequence() {
    return entries.size();
  }

  @Override
  public LogStats stats() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
