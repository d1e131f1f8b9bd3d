package dev.herald.hub.log;

import dev.herald.hub.Update;
import java.util.List;

/**
 * The ordered history of updates. Appends assign ascending sequences (and ids to updates that have
 * none); reads return what follows a cursor. Implementations: {@link MemoryEventLog} now; SQLite and
 * Redis later, behind the same contract. Thread-safe.
 */
public interface EventLog extends AutoCloseable {
  /** The cursor that means "everything retained". */
  String EARLIEST = "earliest";

  /**
   * Appends updates in order and returns their entries. An update whose id is already stored with
   * the same content returns the stored entry (an idempotent retry); with other content it fails.
   *
   * @throws DuplicateIdException for an id reused with other content
   */
  List<Entry> append(List<Update> updates);

  /**
   * Up to {@code limit} entries after the one with id {@code lastEventId}. For {@link #EARLIEST} or
   * an id no longer (or never) retained, the entries start at the earliest retained one and
   * {@link Replay#cursorFound()} is {@code false} unless the cursor was {@link #EARLIEST}.
   */
  Replay readAfter(String lastEventId, int limit);

  /** Up to {@code limit} entries with a sequence above {@code sequence}, for paging a replay. */
  List<Entry> readAfterSequence(long sequence, int limit);

  /** The sequence of the newest entry, 0 when empty. */
  long lastSequence();

  @Override
  void close();
}
