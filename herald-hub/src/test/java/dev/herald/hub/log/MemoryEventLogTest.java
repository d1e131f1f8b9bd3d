package dev.herald.hub.log;
import dev.herald.log.IdGenerator;
import dev.herald.log.DuplicateIdException;
import dev.herald.log.Replay;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Update;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory event log: sequences, ids, idempotent appends, retention and replay reads. */
class MemoryEventLogTest {
  private static final String BOOK = "https://example.com/books/1";

  private final MemoryEventLog log = new MemoryEventLog(100, new IdGenerator());

  private static Update update(String id, String data) {
    return new Update(id, List.of(BOOK), data, false, null, null);
  }

  private static Update update(String data) {
    return update(null, data);
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
  void sequencesStartAtOneAndAscendWithinABatch() {
    List<Entry> entries = log.append(List.of(update("a"), update("b"), update("c")));

    assertThat(sequences(entries)).containsExactly(1L, 2L, 3L);
    assertThat(data(entries)).containsExactly("a", "b", "c");
  }

  @Test
  void sequencesContinueAcrossAppends() {
    log.append(List.of(update("a")));

    assertThat(sequences(log.append(List.of(update("b"), update("c"))))).containsExactly(2L, 3L);
  }

  @Test
  void updateWithoutIdIsGivenOne() {
    Entry entry = log.append(List.of(update("a"))).get(0);

    assertThat(entry.update().id()).hasSize(26);
    assertThat(entry.update()).isEqualTo(update("a").withId(entry.update().id()));
  }

  @Test
  void assignedIdsAscendInPublishOrder() {
    List<Entry> entries = log.append(List.of(update("a"), update("b"), update("c")));

    List<String> ids = entries.stream().map(entry -> entry.update().id()).toList();
    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void givenIdIsKept() {
    Update update = new Update("urn:uuid:1", List.of(BOOK, "https://example.com/alt"), "a", true, "book", 500L);

    assertThat(log.append(List.of(update)).get(0).update()).isEqualTo(update);
  }

  @Test
  void identicalUpdateWithTheSameIdReturnsTheStoredEntry() {
    Entry stored = log.append(List.of(update("x", "a"))).get(0);
    log.append(List.of(update("b")));

    assertThat(log.append(List.of(update("x", "a")))).containsExactly(stored);
  }

  @Test
  void idempotentRetryTakesNoNewSequence() {
    log.append(List.of(update("x", "a"), update("b")));
    log.append(List.of(update("x", "a")));

    assertThat(log.lastSequence()).isEqualTo(2);
    assertThat(data(log.readAfter(EventLog.EARLIEST, 10).entries())).containsExactly("a", "b");
  }

  @Test
  void identicalUpdateTwiceInOneBatchIsStoredOnce() {
    List<Entry> entries = log.append(List.of(update("x", "a"), update("x", "a")));

    assertThat(sequences(entries)).containsExactly(1L, 1L);
    assertThat(log.lastSequence()).isEqualTo(1);
  }

  @Test
  void sameIdWithOtherDataIsADuplicate() {
    log.append(List.of(update("x", "a")));

    assertThatThrownBy(() -> log.append(List.of(update("x", "b"))))
        .isInstanceOf(DuplicateIdException.class).hasMessageContaining("'x'");
    assertThat(log.lastSequence()).isEqualTo(1);
  }

  @Test
  void sameIdWithOtherTopicsIsADuplicate() {
    log.append(List.of(update("x", "a")));
    Update other = new Update("x", List.of("https://example.com/books/2"), "a", false, null, null);

    assertThatThrownBy(() -> log.append(List.of(other))).isInstanceOf(DuplicateIdException.class);
  }

  @Test
  void sameIdWithOtherPrivacyIsADuplicate() {
    log.append(List.of(update("x", "a")));
    Update other = new Update("x", List.of(BOOK), "a", true, null, null);

    assertThatThrownBy(() -> log.append(List.of(other))).isInstanceOf(DuplicateIdException.class);
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
  void earliestCursorIsFoundAndReplaysEverythingRetained() {
    appendNumbered(log, 3);

    Replay replay = log.readAfter(EventLog.EARLIEST, 10);

    assertThat(replay.cursorFound()).isTrue();
    assertThat(sequences(replay.entries())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void earliestCursorOnAnEmptyLogIsFoundWithNothingToReplay() {
    assertThat(log.readAfter(EventLog.EARLIEST, 10)).isEqualTo(new Replay(true, List.of(), 0));
  }

  @Test
  void unknownCursorIsNotFoundAndReplaysEverythingRetained() {
    appendNumbered(log, 2);

    Replay replay = log.readAfter("never-published", 10);

    assertThat(replay.cursorFound()).isFalse();
    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
  }

  @Test
  void knownCursorReplaysWhatFollowsIt() {
    appendNumbered(log, 4);

    Replay replay = log.readAfter("2", 10);

    assertThat(replay.cursorFound()).isTrue();
    assertThat(data(replay.entries())).containsExactly("d3", "d4");
  }

  @Test
  void cursorAtTheNewestEntryReplaysNothing() {
    appendNumbered(log, 3);

    assertThat(log.readAfter("3", 10)).isEqualTo(new Replay(true, List.of(), 3));
  }

  @Test
  void limitCapsTheReplayButUpToSequenceIsTheNewestAtReadTime() {
    appendNumbered(log, 5);

    Replay replay = log.readAfter(EventLog.EARLIEST, 2);

    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
    assertThat(replay.upToSequence()).isEqualTo(5);
  }

  @Test
  void replayIsNotChangedByLaterAppends() {
    appendNumbered(log, 2);
    Replay replay = log.readAfter(EventLog.EARLIEST, 10);

    log.append(List.of(update("later")));

    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
    assertThat(replay.upToSequence()).isEqualTo(2);
  }

  @Test
  void readAfterSequencePagesThroughTheLog() {
    appendNumbered(log, 5);

    assertThat(sequences(log.readAfterSequence(0, 2))).containsExactly(1L, 2L);
    assertThat(sequences(log.readAfterSequence(2, 2))).containsExactly(3L, 4L);
    assertThat(sequences(log.readAfterSequence(4, 2))).containsExactly(5L);
    assertThat(log.readAfterSequence(5, 2)).isEmpty();
  }

  @Test
  void readAfterSequenceBeyondTheNewestIsEmpty() {
    appendNumbered(log, 2);

    assertThat(log.readAfterSequence(7, 10)).isEmpty();
  }

  @Test
  void readAfterTrimmedSequenceStartsAtTheEarliestRetained() {
    MemoryEventLog small = new MemoryEventLog(3, new IdGenerator());
    appendNumbered(small, 6);

    assertThat(sequences(small.readAfterSequence(1, 10))).containsExactly(4L, 5L, 6L);
    assertThat(sequences(small.readAfterSequence(4, 10))).containsExactly(5L, 6L);
  }

  @Test
  void readWithZeroLimitReturnsNothing() {
    appendNumbered(log, 2);

    assertThat(log.readAfterSequence(0, 0)).isEmpty();
  }

  @Test
  void lastSequenceIsZeroWhenEmptyThenTheNewest() {
    assertThat(log.lastSequence()).isZero();

    appendNumbered(log, 3);

    assertThat(log.lastSequence()).isEqualTo(3);
  }

  @Test
  void lastSequenceKeepsCountingPastTheCapacity() {
    MemoryEventLog small = new MemoryEventLog(2, new IdGenerator());
    appendNumbered(small, 7);

    assertThat(small.lastSequence()).isEqualTo(7);
  }

  @Test
  void batchWithAConflictingIdStoresNothing() {
    MemoryEventLog log = new MemoryEventLog(10, new IdGenerator());
    log.append(List.of(new Update("taken", List.of("t"), "x", false, null, null)));
    Update fresh = new Update(null, List.of("t"), "fresh", false, null, null);
    Update conflicting = new Update("taken", List.of("t"), "other", false, null, null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.append(List.of(fresh, conflicting)))
        .isInstanceOf(DuplicateIdException.class);

    assertThat(log.lastSequence()).isEqualTo(1);
  }
}
