package dev.herald.log;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The ordered history of updates. Appends assign ascending sequences (and ids to updates that have
 * none) and are reported, in sequence order, to the {@link #onAppend} listener (the hub's fan-out);
 * reads return what follows a cursor. Implementations: in memory, SQLite and Redis (in their modules)
 * behind the same contract. Thread-safe. Reads may block on I/O: call them off event loops.
 */
public interface EventLog extends AutoCloseable {
  /** The cursor that means "everything retained". */
  String EARLIEST = "earliest";

  /**
   * Appends a batch atomically. The future completes with the entries once they are stored as the
   * log's durability setting promises; before that, the new ones go to the {@link #onAppend}
   * listener. An update whose id is already stored with the same content yields the stored entry
   * (an idempotent retry, not passed to the listener); with other content the batch fails with a
   * {@link DuplicateIdException} and nothing of it is stored.
   */
  CompletableFuture<List<Entry>> appendAsync(List<Update> updates);

  /** {@link #appendAsync}, waiting for the result; unwraps {@link DuplicateIdException}. */
  default List<Entry> append(List<Update> updates) {
    try {
      return appendAsync(updates).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Sets who hears about new entries: called with each appended batch's new entries, in sequence
   * order, never concurrently. Set it once, before the first append.
   */
  void onAppend(Consumer<List<Entry>> listener);

  /**
   * Up to {@code limit} entries, and at most {@code maxBytes} of them by {@link Update#bytes()} (but
   * at least one), after the one with id {@code lastEventId}. For {@link #EARLIEST} or an id no
   * longer (or never) retained, the entries start at the earliest retained one and
   * {@link Replay#cursorFound()} is {@code false} unless the cursor was {@link #EARLIEST}.
   */
  Replay readAfter(String lastEventId, int limit, long maxBytes);

  /** {@link #readAfter(String, int, long)} bounded by count alone. */
  default Replay readAfter(String lastEventId, int limit) {
    return readAfter(lastEventId, limit, Long.MAX_VALUE);
  }

  /**
   * Up to {@code limit} entries, and at most {@code maxBytes} of them (but at least one), with a
   * sequence above {@code sequence}, for paging a replay.
   */
  List<Entry> readAfterSequence(long sequence, int limit, long maxBytes);

  /** {@link #readAfterSequence(long, int, long)} bounded by count alone. */
  default List<Entry> readAfterSequence(long sequence, int limit) {
    return readAfterSequence(sequence, limit, Long.MAX_VALUE);
  }

  /**
   * Sets who hears that the log lost entries it had acknowledged (see {@link LogLoss}); called on the
   * thread that noticed, before any entry of the log as it now is reaches the {@link #onAppend}
   * listener. Logs that cannot lose what they stored (memory, SQLite) never call it.
   */
  default void onLoss(Consumer<LogLoss> listener) {}

  /** The sequence of the newest entry, 0 when empty. */
  long lastSequence();

  /** What the log holds now. Cheap enough to call every second; may read from disk. */
  LogStats stats();

  /**
   * Sets who hears about each stored group of appends: how many updates it held and how long its
   * storing took (for the append-latency and batch-size metrics). Called on the writing thread.
   */
  default void onCommit(CommitListener listener) {}

  /** Hears about stored groups of appends; see {@link #onCommit}. */
  @FunctionalInterface
  interface CommitListener {
    /** A group of {@code updates} updates was stored in {@code nanos}. */
    void committed(int updates, long nanos);
  }

  @Override
  void close();
}
