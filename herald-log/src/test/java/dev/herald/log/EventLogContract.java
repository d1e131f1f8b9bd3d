package dev.herald.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventLog} contract, as tests every backend runs: a backend's test class extends this one
 * and says how to open a new, empty log ({@link #newLog()}); nothing else is needed. Published in
 * herald-log's test-jar.
 *
 * <p>What it holds a backend to: appends assign ascending, gap-free sequences and ids; a repeated id
 * with the same content ({@link Update#sameContentAs}) answers the stored entry and is not announced
 * again; with other content the whole batch fails with {@link DuplicateIdException} and stores
 * nothing; the {@link EventLog#onAppend} listener hears every new entry once, in sequence order (a
 * backend may call it after the append's future completed, so the tests wait for it, within a
 * bound); reads after {@link EventLog#EARLIEST}, a known id or an unknown id, and after a sequence,
 * bounded by a count and by bytes (at least one entry, never past the bound otherwise);
 * {@link EventLog#lastSequence()}, {@link EventLog#stats()} and {@link EventLog#close()}.
 */
public abstract class EventLogContract {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOPIC = "https://example.com/books/1";

  /** The log under test, opened before each test by {@link #newLog()} and closed after it. */
  protected EventLog log;

  /**
   * A new, empty log of the backend under test, for one test. It is closed after the test (perhaps
   * a second time: closing twice is part of the contract).
   */
  protected abstract EventLog newLog() throws Exception;

  @BeforeEach
  final void openLog() throws Exception {
    log = newLog();
  }

  @AfterEach
  final void closeLog() {
    if (log != null) {
      log.close();
    }
  }

  /** An update with {@code id} (null: the log assigns one) and {@code data} on one topic. */
  protected static Update update(String id, String data) {
    return new Update(id, List.of(TOPIC), data, false, null, null);
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

  private static List<String> ids(List<Entry> entries) {
    return entries.stream().map(entry -> entry.update().id()).toList();
  }

  /** Appends updates with ids "1" to "count" and data "d1" to "d{count}", one append each. */
  private void appendNumbered(int count) {
    for (int i = 1; i <= count; i++) {
      log.append(List.of(update(String.valueOf(i), "d" + i)));
    }
  }

  private static List<Entry> listen(EventLog log) {
    List<Entry> heard = new CopyOnWriteArrayList<>();
    log.onAppend(heard::addAll);
    return heard;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /** The failure of {@code future}, waiting at most {@link #WAIT}; fails the test if it succeeds. */
  private static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the future neither completed nor failed within " + WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the future to fail, it completed with " + future.join());
  }

  // --- appends -------------------------------------------------------------------------------------

  @Test
  void sequencesStartAtOneAndAscendWithoutGapsWithinAndAcrossBatches() {
    List<Entry> first = log.append(List.of(update("a"), update("b"), update("c")));
    List<Entry> second = log.append(List.of(update("d")));
    List<Entry> third = log.append(List.of(update("e"), update("f")));

    assertThat(sequences(first)).containsExactly(1L, 2L, 3L);
    assertThat(sequences(second)).containsExactly(4L);
    assertThat(sequences(third)).containsExactly(5L, 6L);
    assertThat(data(first)).containsExactly("a", "b", "c");
  }

  @Test
  void updatesWithoutAnIdGetUniqueIdsThatAscendInPublishOrder() {
    List<String> ids = new ArrayList<>(ids(log.append(List.of(update("a"), update("b"), update("c")))));
    for (int i = 0; i < 5; i++) {
      ids.addAll(ids(log.append(List.of(update("n" + i)))));
    }

    assertThat(ids).hasSize(8).doesNotContainNull().doesNotHaveDuplicates().isSorted();
    assertThat(ids).noneMatch(String::isEmpty).doesNotContain(EventLog.EARLIEST);
  }

  @Test
  void anUpdateGetsItsIdAndNothingElseChanges() {
    Update update = update("a");

    Entry entry = log.append(List.of(update)).get(0);

    assertThat(entry.update()).isEqualTo(update.withId(entry.update().id()));
  }

  @Test
  void everyFieldSurvivesTheRoundTrip() {
    Update full = new Update("full-1", List.of(TOPIC, "https://example.com/alt", "urn:other"),
        "line one\nline two\r\nünïcödé ✓ \uD83D\uDE00", true, "price", 2500L);
    Update bare = new Update("bare-1", List.of(TOPIC), "", false, null, null);

    List<Entry> appended = log.append(List.of(full, bare));

    assertThat(appended).containsExactly(new Entry(1, full), new Entry(2, bare));
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).containsExactly(new Entry(1, full), new Entry(2, bare));
  }

  @Test
  void anEmptyTypeIsStoredAsNoTypeAndRepeatsAsTheSameContent() {
    Update empty = new Update("t", List.of(TOPIC), "a", false, "", null);

    Entry stored = log.append(List.of(empty)).get(0);

    assertThat(stored.update().type()).isNull();
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).containsExactly(stored);
    assertThat(log.append(List.of(new Update("t", List.of(TOPIC), "a", false, null, null)))).containsExactly(stored);
  }

  @Test
  void theSameIdWithTheSameContentAnswersTheStoredEntryAndTakesNoSequence() {
    Entry stored = log.append(List.of(update("x", "a"))).get(0);
    log.append(List.of(update("b")));

    assertThat(log.append(List.of(update("x", "a")))).containsExactly(stored);
    assertThat(log.lastSequence()).isEqualTo(2);
    assertThat(data(log.readAfter(EventLog.EARLIEST, 10).entries())).containsExactly("a", "b");
  }

  @Test
  void aRepeatInsideABatchWithNewUpdatesAnswersTheStoredEntryAndStoresTheNewOnes() {
    Entry stored = log.append(List.of(update("x", "a"))).get(0);

    List<Entry> entries = log.append(List.of(update("b"), update("x", "a"), update("c")));

    assertThat(entries.get(1)).isEqualTo(stored);
    assertThat(sequences(entries)).containsExactly(2L, 1L, 3L);
    assertThat(data(log.readAfter(EventLog.EARLIEST, 10).entries())).containsExactly("a", "b", "c");
  }

  @Test
  void theSameUpdateTwiceInOneBatchIsStoredOnce() {
    List<Entry> entries = log.append(List.of(update("x", "a"), update("x", "a")));

    assertThat(sequences(entries)).containsExactly(1L, 1L);
    assertThat(log.lastSequence()).isEqualTo(1);
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).hasSize(1);
  }

  @Test
  void anIdempotentRepeatIsNotAnnouncedAgain() throws Exception {
    List<Entry> heard = listen(log);
    log.append(List.of(update("x", "a")));
    log.append(List.of(update("x", "a")));
    log.append(List.of(update("x", "a"), update("after")));

    await(() -> data(heard).contains("after"), "the listener to hear the update after the repeats");
    assertThat(data(heard)).containsExactly("a", "after");
    assertThat(sequences(heard)).containsExactly(1L, 2L);
  }

  @Test
  void theSameIdWithOtherContentOfAnyKindIsADuplicate() {
    Update stored = new Update("x", List.of(TOPIC, "urn:alt"), "a", false, "kind", 1000L);
    log.append(List.of(stored));
    List<Update> others = List.of(
        new Update("x", List.of(TOPIC, "urn:alt"), "b", false, "kind", 1000L),          // data
        new Update("x", List.of("urn:alt", TOPIC), "a", false, "kind", 1000L),          // topic order
        new Update("x", List.of(TOPIC), "a", false, "kind", 1000L),                     // fewer topics
        new Update("x", List.of(TOPIC, "urn:alt"), "a", true, "kind", 1000L),           // privacy
        new Update("x", List.of(TOPIC, "urn:alt"), "a", false, "other", 1000L),         // type
        new Update("x", List.of(TOPIC, "urn:alt"), "a", false, null, 1000L),            // no type
        new Update("x", List.of(TOPIC, "urn:alt"), "a", false, "kind", 2000L),          // retry
        new Update("x", List.of(TOPIC, "urn:alt"), "a", false, "kind", null));          // no retry

    for (Update other : others) {
      assertThat(other.sameContentAs(stored)).as("the test's own premise for %s", other).isFalse();
      assertThatThrownBy(() -> log.append(List.of(other))).as("%s", other)
          .isInstanceOf(DuplicateIdException.class).hasMessageContaining("'x'");
    }
    assertThat(log.lastSequence()).isEqualTo(1);
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).containsExactly(new Entry(1, stored));
  }

  @Test
  void aConflictStoresNothingOfItsBatchAndIsNotAnnounced() throws Exception {
    List<Entry> heard = listen(log);
    log.append(List.of(update("taken", "x")));

    assertThatThrownBy(() -> log.append(List.of(update("fresh"), update("taken", "other"), update("also fresh"))))
        .isInstanceOf(DuplicateIdException.class);
    log.append(List.of(update("after")));

    await(() -> heard.size() >= 2, "the listener to hear the update after the conflict");
    assertThat(data(heard)).containsExactly("x", "after");
    assertThat(sequences(log.readAfter(EventLog.EARLIEST, 10).entries())).containsExactly(1L, 2L);
    assertThat(log.lastSequence()).isEqualTo(2);
  }

  @Test
  void twoUpdatesWithOneIdAndDifferentContentInOneBatchAreADuplicate() {
    assertThatThrownBy(() -> log.append(List.of(update("fresh"), update("twice", "a"), update("twice", "b"))))
        .isInstanceOf(DuplicateIdException.class);

    assertThat(log.lastSequence()).isZero();
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).isEmpty();
  }

  @Test
  void aConflictFailsTheFutureInsteadOfThrowing() {
    log.append(List.of(update("taken", "x")));

    CompletableFuture<List<Entry>> result = log.appendAsync(List.of(update("taken", "other")));

    assertThat(failureOf(result)).isInstanceOf(DuplicateIdException.class);
  }

  // --- the listener --------------------------------------------------------------------------------

  @Test
  void theListenerHearsEveryNewEntryOnceInSequenceOrderUnderConcurrentAppends() throws Exception {
    List<Entry> heard = listen(log);
    int threads = 4;
    int appendsEach = 30;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < appendsEach; i++) {
            // batches of one and of two
            log.append(i % 3 == 0 ? List.of(update(thread + "-" + i), update(thread + "-" + i + "b"))
                : List.of(update(thread + "-" + i)));
          }
        }));
      }
      for (Future<?> future : done) {
        future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long total = log.lastSequence();

    await(() -> heard.size() >= total, total + " entries heard");
    assertThat(total).isEqualTo(threads * (appendsEach + appendsEach / 3));
    assertThat(sequences(heard)).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(heard).isEqualTo(log.readAfter(EventLog.EARLIEST, (int) total).entries());
  }

  @Test
  void theListenerHearsTheEntriesTheAppendAnswered() throws Exception {
    List<Entry> heard = listen(log);

    List<Entry> appended = log.append(List.of(update("a"), update("b")));

    await(() -> heard.size() >= 2, "two entries heard");
    assertThat(heard).isEqualTo(appended);
  }

  // --- reads after a cursor ------------------------------------------------------------------------

  @Test
  void earliestOnAnEmptyLogIsFoundWithNothingToReplay() {
    assertThat(log.readAfter(EventLog.EARLIEST, 10)).isEqualTo(new Replay(true, List.of(), 0));
  }

  @Test
  void earliestIsFoundAndReplaysEverythingRetained() {
    appendNumbered(3);

    Replay replay = log.readAfter(EventLog.EARLIEST, 10);

    assertThat(replay.cursorFound()).isTrue();
    assertThat(sequences(replay.entries())).containsExactly(1L, 2L, 3L);
    assertThat(replay.upToSequence()).isEqualTo(3);
  }

  @Test
  void aKnownIdReplaysWhatFollowsIt() {
    appendNumbered(4);

    Replay replay = log.readAfter("2", 10);

    assertThat(replay.cursorFound()).isTrue();
    assertThat(data(replay.entries())).containsExactly("d3", "d4");
    assertThat(replay.upToSequence()).isEqualTo(4);
  }

  @Test
  void anAssignedIdIsACursorToo() {
    List<Entry> entries = log.append(List.of(update("a"), update("b"), update("c")));

    Replay replay = log.readAfter(entries.get(0).update().id(), 10);

    assertThat(replay.cursorFound()).isTrue();
    assertThat(replay.entries()).isEqualTo(entries.subList(1, 3));
  }

  @Test
  void theNewestIdAsCursorIsFoundWithNothingToReplay() {
    appendNumbered(3);

    assertThat(log.readAfter("3", 10)).isEqualTo(new Replay(true, List.of(), 3));
  }

  @Test
  void anUnknownIdIsNotFoundAndReplaysFromTheEarliestRetained() {
    appendNumbered(2);

    Replay replay = log.readAfter("never-published", 10);

    assertThat(replay.cursorFound()).isFalse();
    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
    assertThat(replay.upToSequence()).isEqualTo(2);
  }

  @Test
  void anUnknownIdOnAnEmptyLogIsNotFound() {
    assertThat(log.readAfter("never-published", 10)).isEqualTo(new Replay(false, List.of(), 0));
  }

  @Test
  void theCountLimitCapsAReplayButUpToSequenceIsTheNewestAtReadTime() {
    appendNumbered(5);

    Replay replay = log.readAfter(EventLog.EARLIEST, 2);

    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
    assertThat(replay.upToSequence()).isEqualTo(5);
  }

  @Test
  void aReplayIsNotChangedByLaterAppends() {
    appendNumbered(2);
    Replay replay = log.readAfter(EventLog.EARLIEST, 10);

    log.append(List.of(update("later")));

    assertThat(sequences(replay.entries())).containsExactly(1L, 2L);
    assertThat(replay.upToSequence()).isEqualTo(2);
  }

  // --- reads after a sequence ----------------------------------------------------------------------

  @Test
  void readAfterSequencePagesThroughTheLog() {
    appendNumbered(5);

    assertThat(sequences(log.readAfterSequence(0, 2))).containsExactly(1L, 2L);
    assertThat(sequences(log.readAfterSequence(2, 2))).containsExactly(3L, 4L);
    assertThat(sequences(log.readAfterSequence(4, 2))).containsExactly(5L);
    assertThat(log.readAfterSequence(5, 2)).isEmpty();
  }

  @Test
  void readAfterSequenceReturnsTheEntriesAsAppended() {
    List<Entry> appended = log.append(List.of(update("a"), update("b"), update("c")));

    assertThat(log.readAfterSequence(0, 10)).isEqualTo(appended);
    assertThat(log.readAfterSequence(1, 10)).isEqualTo(appended.subList(1, 3));
  }

  @Test
  void readAfterTheNewestOrBeyondIsEmpty() {
    appendNumbered(2);

    assertThat(log.readAfterSequence(2, 10)).isEmpty();
    assertThat(log.readAfterSequence(7, 10)).isEmpty();
    assertThat(log.readAfterSequence(0, 10)).hasSize(2);
  }

  @Test
  void aZeroLimitReadsNothing() {
    appendNumbered(2);

    assertThat(log.readAfterSequence(0, 0)).isEmpty();
    assertThat(log.readAfterSequence(0, 0, 1)).isEmpty();
  }

  // --- byte bounds ---------------------------------------------------------------------------------

  /** Five updates of {@code size} bytes each (by {@link Update#bytes()}); returns that size. */
  private long appendFiveOfOneSize() {
    List<Update> updates = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      updates.add(update("b" + i, "x".repeat(1000)));
    }
    log.append(updates);
    long size = updates.get(0).bytes();
    assertThat(updates).allMatch(update -> update.bytes() == size);
    return size;
  }

  @Test
  void aByteBoundStopsAReadBeforeTheEntryThatWouldPassIt() {
    long size = appendFiveOfOneSize();

    assertThat(ids(log.readAfterSequence(0, 10, 2 * size))).containsExactly("b1", "b2");
    assertThat(ids(log.readAfterSequence(0, 10, 3 * size - 1))).containsExactly("b1", "b2");
    assertThat(ids(log.readAfterSequence(1, 10, 3 * size))).containsExactly("b2", "b3", "b4");
  }

  @Test
  void aReadReturnsAtLeastOneEntryWhateverItsSize() {
    long size = appendFiveOfOneSize();

    assertThat(ids(log.readAfterSequence(0, 10, 1))).containsExactly("b1");
    assertThat(ids(log.readAfterSequence(3, 10, size - 1))).containsExactly("b4");
    assertThat(ids(log.readAfter("b4", 10, 1).entries())).containsExactly("b5");
  }

  @Test
  void theCountLimitAppliesWithinTheByteBound() {
    appendFiveOfOneSize();

    assertThat(ids(log.readAfterSequence(0, 2, Long.MAX_VALUE))).containsExactly("b1", "b2");
  }

  @Test
  void aReplayIsBoundedByBytesToo() {
    long size = appendFiveOfOneSize();

    Replay fromStart = log.readAfter(EventLog.EARLIEST, 10, 3 * size);
    Replay fromCursor = log.readAfter("b1", 10, 2 * size);
    Replay unknown = log.readAfter("never-published", 10, size);

    assertThat(ids(fromStart.entries())).containsExactly("b1", "b2", "b3");
    assertThat(fromStart.upToSequence()).isEqualTo(5);
    assertThat(ids(fromCursor.entries())).containsExactly("b2", "b3");
    assertThat(fromCursor.cursorFound()).isTrue();
    assertThat(ids(unknown.entries())).containsExactly("b1");
    assertThat(unknown.cursorFound()).isFalse();
  }

  @Test
  void pagingByBytesReadsEveryEntryOnceInOrder() {
    List<Update> updates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      updates.add(update("p" + i, "y".repeat(i * 37 % 500)));
    }
    log.append(updates);
    long bound = 1200;

    List<Entry> read = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 100; pages++) {
      List<Entry> page = log.readAfterSequence(after, 1000, bound);
      if (page.isEmpty()) {
        break;
      }
      long pageBytes = page.stream().mapToLong(entry -> entry.update().bytes()).sum();
      assertThat(page.size() == 1 || pageBytes <= bound).as("page after %d: %d bytes", after, pageBytes).isTrue();
      read.addAll(page);
      after = page.get(page.size() - 1).sequence();
    }

    assertThat(ids(read)).containsExactlyElementsOf(updates.stream().map(Update::id).toList());
  }

  // --- lastSequence, stats, close ------------------------------------------------------------------

  @Test
  void lastSequenceIsZeroWhenEmptyThenTheNewest() {
    assertThat(log.lastSequence()).isZero();

    appendNumbered(3);

    assertThat(log.lastSequence()).isEqualTo(3);
  }

  @Test
  void statsOfAnEmptyLog() {
    LogStats stats = log.stats();

    assertThat(stats.kind()).isNotBlank();
    assertThat(stats.events()).isZero();
    assertThat(stats.earliestId()).isNull();
    assertThat(stats.latestId()).isNull();
    assertThat(stats.retention()).isNotNull();
    assertThat(stats.writable()).isTrue();
  }

  @Test
  void statsDescribeWhatTheLogHolds() {
    List<Entry> entries = log.append(List.of(update("a"), update("b"), update("c")));

    LogStats stats = log.stats();

    assertThat(stats.events()).isEqualTo(3);
    assertThat(stats.earliestId()).isEqualTo(entries.get(0).update().id());
    assertThat(stats.latestId()).isEqualTo(entries.get(2).update().id());
    assertThat(stats.writable()).isTrue();
    if (stats.contentBytes() != null) {
      assertThat(stats.contentBytes()).isPositive();
    }
  }

  @Test
  void anAppendAfterCloseFailsWithoutHanging() {
    log.close();

    CompletableFuture<List<Entry>> result;
    try {
      result = log.appendAsync(List.of(update("too late")));
    } catch (RuntimeException thrown) {
      throw new AssertionError("appendAsync must report failures through its future", thrown);
    }

    assertThat(failureOf(result)).isNotNull();
  }

  @Test
  void closingTwiceIsHarmless() {
    log.append(List.of(update("a")));

    log.close();
    log.close();
  }

  @Test
  void appendWaitsAndUnwrapsTheFailure() {
    log.append(List.of(update("taken", "x")));

    assertThatThrownBy(() -> log.append(List.of(update("taken", "y"))))
        .isInstanceOf(DuplicateIdException.class).isNotInstanceOf(CompletionException.class);
  }
}
