package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the in-memory log adds to the contract ({@link MemoryEventLogContractTest}): it keeps only
 * the newest entries within its capacity, by count and by bytes.
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

  private static Update sized(String id, int dataChars) {
    return new Update(id, List.of(BOOK), "x".repeat(dataChars), false, null, null);
  }

  @Test
  void theByteCapacityKeepsOnlyTheNewestEntriesThatFit() {
    long size = sized("1", 1000).bytes();
    MemoryEventLog small = new MemoryEventLog(100, 3 * size, new IdGenerator());
    for (int i = 1; i <= 6; i++) {
      small.append(List.of(sized(String.valueOf(i), 1000)));
    }

    assertThat(sequences(small.readAfter(EventLog.EARLIEST, 10).entries())).containsExactly(4L, 5L, 6L);
    assertThat(small.stats().contentBytes()).isEqualTo(3 * size);
    assertThat(small.readAfter("3", 10).cursorFound()).isFalse();
    assertThat(small.lastSequence()).isEqualTo(6);
  }

  @Test
  void aLargeUpdateTakesTheRoomOfManySmallOnes() {
    MemoryEventLog small = new MemoryEventLog(100, 10_000, new IdGenerator());
    appendNumbered(small, 20);

    small.append(List.of(sized("large", 9_000)));

    assertThat(small.readAfter(EventLog.EARLIEST, 100).entries()).extracting(e -> e.update().id())
        .endsWith("large").hasSizeLessThan(15);
    assertThat(small.stats().contentBytes()).isLessThanOrEqualTo(10_000);
  }

  @Test
  void anUpdateLargerThanTheByteCapacityIsAcknowledgedAnnouncedAndThenGone() {
    MemoryEventLog small = new MemoryEventLog(100, 1_000, new IdGenerator());
    List<Entry> heard = new ArrayList<>();
    small.onAppend(heard::addAll);
    appendNumbered(small, 2);

    List<Entry> stored = small.append(List.of(sized("huge", 5_000), sized("huge", 5_000)));

    assertThat(sequences(stored)).containsExactly(3L, 3L);
    assertThat(heard).extracting(e -> e.update().id()).containsExactly("1", "2", "huge");
    assertThat(small.readAfter(EventLog.EARLIEST, 10).entries()).isEmpty();
    assertThat(small.readAfter("2", 10).cursorFound()).isFalse();
    assertThat(small.stats().contentBytes()).isZero();
    assertThat(sequences(small.append(List.of(update("after", "a"))))).containsExactly(4L);
  }

  @Test
  void theByteCapacityMustBePositive() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MemoryEventLog(10, 0, new IdGenerator()))
        .withMessageContaining("maxBytes");
  }

  @Test
  void theDefaultByteCapacityIs64MiB() {
    assertThat(new MemoryEventLog(10, new IdGenerator()).stats().retention().maxBytes()).isEqualTo(64L << 20);
  }
}
