package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command to a SQLite log waits forever: closing fails what comes after it, a write or read that
 * fails in any way (an {@link Error} included) fails its own caller, the log says it is not writable
 * while writes fail and turns writable again by itself once they work.
 */
class SqliteFailuresTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private SqliteEventLog log;

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
  }

  private SqliteEventLog open() {
    log = SqliteEventLog.open(file(), SqliteEventLog.Durability.OS, new Retention(5, 0, Duration.ZERO),
        new IdGenerator());
    return log;
  }

  private Path file() {
    return dir.resolve("events.db");
  }

  private static Update update(String data) {
    return new Update(null, List.of("t"), data, false, null, null);
  }

  /** The failure of {@code future}, which must complete within the bound. */
  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got " + future.join());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void trimNowAfterCloseFailsAtOnceInsteadOfWaitingForever() {
    open().close();

    assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(log::trimNow)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"));
  }

  @Test
  void commandsQueuedBeforeCloseAreDoneAndEveryLaterOneFailsAtOnce() throws Exception {
    open();
    CountDownLatch writerBusy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    log.beforeStoring(() -> {
      writerBusy.countDown();
      try {
        release.await(BOUND.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<List<Entry>> first = log.appendAsync(List.of(update("first")));
    assertThat(writerBusy.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<List<Entry>>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(log.appendAsync(List.of(update("queued " + i))));
    }
    CompletableFuture<Long> trim = log.trimAsync();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(log::close);
    await(() -> !log.stats().writable(), "the log to be closing");
    CompletableFuture<List<Entry>> late = log.appendAsync(List.of(update("late")));
    release.countDown();

    assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).hasSize(1);
    for (CompletableFuture<List<Entry>> future : queued) {
      assertThat(future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).hasSize(1);
    }
    assertThat(trim.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isNotNegative();
    assertThat(failureOf(late)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(log::trimNow).hasMessageContaining("closed"));
  }

  @Test
  void aWriteTheFileRefusesFailsItsPublishAndTheLogSaysItIsNotWritable() throws Exception {
    open().append(List.of(update("before")));

    try (SqliteFaults.Fault refused = SqliteFaults.refuseWrites(file(), "the disk says no")) {
      Throwable failure = failureOf(log.appendAsync(List.of(update("refused"))));

      assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("the disk says no");
      assertThat(log.stats().writable()).isFalse();
    }
    assertThat(log.lastSequence()).isEqualTo(1);
  }

  @Test
  void theLogTurnsWritableAgainByItselfOnceWritesWork() throws Exception {
    open();
    try (SqliteFaults.Fault refused = SqliteFaults.refuseWrites(file(), "the disk says no")) {
      failureOf(log.appendAsync(List.of(update("refused"))));
      Thread.sleep(1500); // the writer probes every second: it must keep finding the fault
      assertThat(log.stats().writable()).as("while the fault lasts").isFalse();
    }

    await(() -> log.stats().writable(), "the probe to find the log writable, with no publish");
    assertThat(log.append(List.of(update("after"))).get(0).sequence()).isEqualTo(1);
  }

  @Test
  void anErrorWhileStoringFailsThoseAppendsAndTheNextOneSucceeds() throws Exception {
    open().append(List.of(update("before")));

    try (SqliteFaults.Fault error = SqliteFaults.failWrites(log, new OutOfMemoryError("injected"))) {
      Throwable failure = failureOf(log.appendAsync(List.of(update("during"))));

      assertThat(failure).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("OutOfMemoryError: injected");
      assertThat(log.stats().writable()).isFalse();
    }
    List<Entry> next = log.append(List.of(update("after")));
    assertThat(next.get(0).sequence()).as("the failed append took no sequence").isEqualTo(2);
    assertThat(log.stats().writable()).isTrue();
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).extracting(entry -> entry.update().data())
        .containsExactly("before", "after");
  }

  @Test
  void aListenerThatThrowsAnErrorNeitherFailsThePublishNorStopsTheWriter() {
    open();
    List<String> heard = new CopyOnWriteArrayList<>();
    log.onAppend(entries -> {
      if (heard.isEmpty()) {
        heard.add("failed once");
        throw new OutOfMemoryError("injected into the listener");
      }
      entries.forEach(entry -> heard.add(entry.update().data()));
    });

    assertThat(log.append(List.of(update("stored anyway")))).hasSize(1);
    assertThat(log.append(List.of(update("next")))).hasSize(1);

    assertThat(heard).containsExactly("failed once", "next");
    assertThat(log.stats().writable()).isTrue();
  }

  @Test
  void aReadTheFileRefusesThrowsAndTheLogIsUnreadyUntilReadsWork() {
    open().append(List.of(update("a")));

    try (SqliteFaults.Fault refused = SqliteFaults.refuseReads(file())) {
      assertThatThrownBy(() -> log.readAfter(EventLog.EARLIEST, 10)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reading the event log failed");
      assertThatThrownBy(() -> log.readAfterSequence(0, 10)).isInstanceOf(IllegalStateException.class);
      assertThat(log.stats().writable()).isFalse();
    }

    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).hasSize(1);
    assertThat(log.stats().writable()).isTrue();
  }

  @Test
  void anErrorWhileReadingComesOutAsAFailedReadAndTheReaderIsKept() {
    open().append(List.of(update("a")));

    try (SqliteFaults.Fault error = SqliteFaults.failReads(log, new OutOfMemoryError("injected"))) {
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> log.readAfter(EventLog.EARLIEST, 10)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("OutOfMemoryError: injected");
      }
    }
    for (int i = 0; i < 5; i++) { // more reads than reader connections: each came back
      assertThat(log.readAfterSequence(0, 10)).hasSize(1);
    }
  }
}
