package dev.herald.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.log.FailingLog;
import dev.herald.log.Update;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceRunnerTest {
  private final FailingLog log = new FailingLog(new ListLog());
  private final ScriptedSource source = new ScriptedSource();
  private SourceRunner runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
  }

  private static Update update(int n) {
    return new Update("m-" + n, List.of("https://example.com/" + n), "data " + n, false, null, null);
  }

  private void start(int batch) {
    runner = SourceRunner.start(source, log, 1024, batch, Duration.ofMillis(5), Duration.ofMillis(2),
        Duration.ofMillis(20));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  private List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(n -> "m-" + n).toList();
  }

  @Test
  void storesEveryMessageInOrderAndAdvancesThePositionAfterwards() throws Exception {
    IntStream.range(0, 1000).forEach(n -> source.add(update(n)));
    start(64);
    await(() -> source.committed == 1000);
    assertThat(log.ids()).isEqualTo(ids(0, 1000));
    assertThat(runner.stats().published()).isEqualTo(1000);
    assertThat(runner.stats().consumed()).isEqualTo(1000);
    assertThat(runner.stats().state()).isEqualTo("running");
  }

  @Test
  void aBatchIsAcknowledgedOnlyOnceTheLogStoredIt() throws Exception {
    log.failAppends(true);
    IntStream.range(0, 10).forEach(n -> source.add(update(n)));
    start(4);
    await(() -> log.appendAttempts() >= 5);
    assertThat(source.committed).isZero();
    assertThat(runner.stats().state()).isEqualTo("paused");
    assertThat(runner.stats().lastError()).contains("disk full");
    log.failAppends(false);
    await(() -> source.committed == 10);
    assertThat(log.ids()).isEqualTo(ids(0, 10));
    assertThat(runner.stats().state()).isEqualTo("running");
  }

  @Test
  void whileTheLogFailsNothingMoreIsPolledThanOneBatch() throws Exception {
    log.failAppends(true);
    IntStream.range(0, 100).forEach(n -> source.add(update(n)));
    start(8);
    await(() -> log.appendAttempts() >= 10);
    assertThat(runner.stats().consumed()).isEqualTo(8);
  }

  @Test
  void messagesRedeliveredAfterAFailedAcknowledgeAreCountedAsDuplicatesAndStoredOnce() throws Exception {
    source.failAcknowledges = 1;
    IntStream.range(0, 20).forEach(n -> source.add(update(n)));
    start(5);
    await(() -> source.committed == 20);
    assertThat(log.ids()).isEqualTo(ids(0, 20));
    SourceStats stats = runner.stats();
    assertThat(stats.published()).isEqualTo(20);
    assertThat(stats.duplicates()).isEqualTo(5);
    assertThat(stats.errors()).isEqualTo(1);
    assertThat(source.connects.get()).isEqualTo(2);
  }

  @Test
  void aFailingSourceIsConnectedAgainAndLosesNothing() throws Exception {
    source.failPolls = 3;
    IntStream.range(0, 30).forEach(n -> source.add(update(n)));
    start(7);
    await(() -> source.committed == 30);
    assertThat(log.ids()).isEqualTo(ids(0, 30));
    assertThat(source.connects.get()).isEqualTo(4);
    assertThat(runner.stats().errors()).isEqualTo(3);
    assertThat(runner.stats().lastError()).isEqualTo("IOException: connection reset");
  }

  @Test
  void refusedMessagesAreCountedAndAcknowledgedWithTheirBatch() throws Exception {
    source.add(update(0));
    source.addRefused("message m-1 refused: its payload is not valid UTF-8");
    source.add(update(2));
    start(10);
    await(() -> source.committed == 3);
    assertThat(log.ids()).containsExactly("m-0", "m-2");
    assertThat(runner.stats().refused()).isEqualTo(1);
  }

  @Test
  void anUpdateLargerThanTheLimitIsRefusedAndTheOthersStored() throws Exception {
    source.add(update(0));
    source.add(new Update("big", List.of("t"), "é".repeat(600), false, null, null)); // 1,200 bytes > 1,024
    source.add(update(2));
    start(10);
    await(() -> source.committed == 3);
    assertThat(log.ids()).containsExactly("m-0", "m-2");
    assertThat(runner.stats().refused()).isEqualTo(1);
  }

  @Test
  void anIdReusedWithOtherContentIsRefusedAndTheRestOfItsBatchStored() throws Exception {
    log.append(List.of(new Update("m-1", List.of("elsewhere"), "other", false, null, null)));
    IntStream.range(0, 4).forEach(n -> source.add(update(n)));
    start(10);
    await(() -> source.committed == 4);
    assertThat(log.ids()).containsExactly("m-1", "m-0", "m-2", "m-3");
    assertThat(runner.stats().refused()).isEqualTo(1);
    assertThat(runner.stats().published()).isEqualTo(3);
  }

  @Test
  void closingStopsTheThreadAndClosesTheSource() throws Exception {
    start(10);
    await(() -> runner.stats().state().equals("running"));
    runner.close();
    assertThat(source.closed).isTrue();
    assertThat(runner.stats().state()).isEqualTo("stopped");
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("herald-source-"));
  }

  @Test
  void lagIsTheSourcesWhileRunning() throws Exception {
    log.failAppends(true);
    IntStream.range(0, 10).forEach(n -> source.add(update(n)));
    start(4);
    await(() -> runner.stats().state().equals("paused"));
    assertThat(runner.stats().lag()).isEqualTo(-1);
    log.failAppends(false);
    await(() -> source.committed == 10);
    assertThat(runner.stats().lag()).isZero();
  }
}
