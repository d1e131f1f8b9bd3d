package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the in-memory log adds to the contract ({@link MemoryEventLogContractTest}): it keeps only
 * the newest entries within its capacity.
 */
class MemoryEventLogTest {
  private static final String BOOK = "https://example.com/books/1";

  private static Update update(String id, String data) {
    return new Update(id, List.of(BOOK), data, false, null, null);
  }

  private static List<Long> sequences(List<Entry> entries) {
    return entries.stream().map(Entry::sequence).toList();
  }

  private static List<String> data(List<Entry> entries) {
    return entries.stream().map(entry -> entry.update().data()).toList();
  }

  /** Appends updates with ids "1" to "count" and data "d1" to "d{count}", one call each. */
  private static void appendNumbered(EventLog log, int count) {
    for (int i = 1; i <= count; i++) {
      log.append(List.of(update(String.valueOf(i), "d" + i)));
    }
  }

  @Test
  void capacityKeepsOnlyTheNewestEntries() {
    MemoryEventLog small = new MemoryEventLog(3, new IdGenerator());
    appendNumbered(small, 5);

    Replay replay = small.readAfter(EventLog.EARLIEST, 10);

    assertThat(sequences(replay.entries())).containsExactly(3L, 4L, 5L);
  }

  @Test
  void trimmedCursorIsNotFoundAndReplayStartsAtTheEarliestRetained() {
    MemoryEventLog small = new MemoryEventLog(3, new IdGenerator());
    appendNumbered(small, 5);

    Replay replay = small.readAfter("1", 10);

    assertThat(replay.cursorFound()).isFalse();
    assertThat(data(replay.entries())).containsExactly("d3", "d4", "d5");
  }

  @Test
  void trimmedUpdateIsNoLongerAnIdempotentRetry() {
    MemoryEventLog small = new MemoryEventLog(3, new IdGenerator());
    appendNumbered(small, 5);

    assertThat(sequences(small.append(List.of(update("1", "d1"))))).containsExactly(6L);
  }

  @Test
  void capacityMustBePositive() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MemoryEventLog(0, new IdGenerator()))
        .withMessageContaining("capacity");
  }

  @Test
  void readAfterTrimmedSequenceStartsAtTheEarliestRetained() {
    MemoryEventLog small = new MemoryEventLog(3, new IdGenerator());
    appendNumbered(small, 6);

    assertThat(sequences(small.readAfterSequence(1, 10))).containsExactly(4L, 5L, 6L);
    assertThat(sequences(small.readAfterSequence(4, 10))).containsExactly(5L, 6L);
  }

  @Test
  void lastSequenceKeepsCountingPastTheCapacity() {
    MemoryEventLog small = new MemoryEventLog(2, new IdGenerator());
    appendNumbered(small, 7);

    assertThat(small.lastSequence()).isEqualTo(7);
  }
}
