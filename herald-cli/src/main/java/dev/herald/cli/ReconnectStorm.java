package dev.herald.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code herald bench --reconnect-storm}: the subscribers connect and receive {@code --updates-before}
 * updates; all disconnect; {@code --updates-missed} more are published and acknowledged; then all
 * reconnect at once, each with the id of the last event it received as {@code Last-Event-ID}. Each
 * must receive exactly the updates its topic missed, in order, once; the report counts those that
 * did and gives the recovery time (reconnection to the last missed update) of each. With
 * {@code --storms N} the disconnect, publish, reconnect cycle repeats N times in this process (the
 * first storm also pays for the bench's own JIT compilation). Publishes one at a time so that the
 * hub's order is the sequence order the check expects.
 */
final class ReconnectStorm {
  private final BenchCommand options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final long startNanos = System.nanoTime();

  ReconnectStorm(BenchCommand options) {
    this.options = options;
    this.out = options.spec.commandLine().getOut();
    this.err = options.spec.commandLine().getErr();
  }

  int run() throws Exception {
    BenchTargets targets = options.targets();
    BenchPublisher publisher = new BenchPublisher(targets, options.publisherToken(), options.topics,
        options.rate, options.payload, 1);
    String[] lastEventIds;
    long[] lastBefore;
    SubscriberTotals before;
    try (NettySubscribers first = pool(targets, options.connectRate, null)) {
      first.connect(p -> progress("connect", p.connected(), p.failed()));
      long connected = first.progress().connected();
      if (connected == 0) {
        SubscriberTotals totals = first.finish(new long[options.topics]);
        out.println(new BenchReport().put("scenario", "reconnect-storm").put("subscribers", options.subscribers)
            .put("connected", 0).put("connectErrors", BenchReport.of(totals.errors())));
        out.flush();
        err.println("herald: no subscriber connected: " + totals.errors());
        err.flush();
        return 1;
      }
      progress("publish " + options.updatesBefore + " before the disconnection", connected, 0);
      publisher.publish(options.updatesBefore);
      publisher.awaitAnswers(Duration.ofSeconds(30));
      long expected = 0;
      long[] perTopic = first.connectedPerTopic();
      long[] acked = publisher.lastAckedSeqs();
      for (int t = 0; t < options.topics; t++) {
        expected += acked[t] * perTopic[t];
      }
      long deadline = System.nanoTime() + options.drain.toNanos();
      // every subscriber should have the last one before it disconnects, or its cursor is behind
      // (which the check would then count as unexpected events, not hide)
      while (first.received() < expected && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      lastBefore = publisher.lastAckedSeqs();
      lastEventIds = first.lastEventIds();
      before = first.finish(lastBefore);
      progress("all disconnected, " + before.received() + " of " + expected + " received before", 0, 0);
    }
    List<BenchReport> storms = new ArrayList<>();
    boolean exactEveryTime = true;
    for (int number = 1; number <= options.storms; number++) {
      Storm storm = storm(number, targets, publisher, lastEventIds, lastBefore);
      storms.add(storm.report());
      exactEveryTime &= storm.totals().exact == storm.totals().attempted && storm.totals().attempted == before.connected();
      lastEventIds = storm.lastEventIds();
      lastBefore = storm.lastMissed();
    }
    long publishErrors = publisher.errors().values().stream().mapToLong(Long::longValue).sum();
    out.println(new BenchReport()
        .put("scenario", "reconnect-storm")
        .put("subscribers", options.subscribers)
        .put("connected", before.connected())
        .put("connectErrors", BenchReport.of(before.errors()))
        .put("topics", options.topics)
        .put("updatesBefore", options.updatesBefore)
        .put("updatesMissed", options.updatesMissed)
        .put("published", publisher.published.sum())
        .put("acknowledged", publisher.acknowledged.sum())
        .put("publishErrors", publishErrors)
        .put("publishErrorsByKind", BenchReport.of(publisher.errors()))
        .put("gapsBefore", before.gaps())
        .put("duplicatesBefore", before.duplicates())
        .put("exactEveryTime", exactEveryTime)
        .put("storms", storms));
    out.flush();
    return 0;
  }

  /** One storm's outcome, and where its subscribers are for the next one. */
  private record Storm(StormTotals totals, BenchReport report, String[] lastEventIds, long[] lastMissed) {}

  /**
   * Publishes the missed updates while nobody is connected, reconnects everyone who has an event
   * id, waits (up to --drain) until each has what it missed, then disconnects them again.
   */
  private Storm storm(int number, BenchTargets targets, BenchPublisher publisher, String[] lastEventIds,
      long[] lastBefore) throws Exception {
    Long pid = options.serverPid;
    long acknowledgedBefore = publisher.acknowledged.sum();
    publisher.publish(options.updatesMissed);
    publisher.awaitAnswers(Duration.ofSeconds(30));
    long[] lastMissed = publisher.lastAckedSeqs();
    long[] firstMissed = new long[options.topics];
    for (int t = 0; t < options.topics; t++) {
      firstMissed[t] = lastBefore[t] + 1;
    }
    progress("storm " + number + ": published " + (publisher.acknowledged.sum() - acknowledgedBefore)
        + " missed; reconnecting", 0, 0);
    ServerStats.Sample cpuStart = pid == null ? null : ServerStats.sample(pid);
    ServerStats.Sample benchStart = ServerStats.self();
    ServerStats.Sample cpuEnd;
    ServerStats.Sample benchEnd;
    long stormStart = System.nanoTime();
    StormTotals totals;
    SubscriberTotals after;
    String[] nextIds;
    try (NettySubscribers second = pool(targets, Double.POSITIVE_INFINITY,
        new NettySubscribers.Resume(lastEventIds, firstMissed, lastMissed))) {
      second.connect(p -> progress("storm " + number + ": reconnect", p.connected(), p.failed()));
      long reconnecting = second.progress().connected();
      long deadline = System.nanoTime() + options.drain.toNanos();
      long lastReport = System.nanoTime();
      while (second.recovered() < reconnecting && System.nanoTime() < deadline) {
        Thread.sleep(5);
        if (System.nanoTime() - lastReport >= 1_000_000_000L) {
          lastReport = System.nanoTime();
          progress("storm " + number + ": recovering, " + second.recovered() + " done", reconnecting,
              second.progress().failed());
        }
      }
      cpuEnd = pid == null ? null : ServerStats.sample(pid);
      benchEnd = benchStart == null ? null : ServerStats.self();
      nextIds = second.lastEventIds();
      after = second.finish(lastMissed);
      totals = second.stormTotals();
    }
    BenchReport report = new BenchReport()
        .put("storm", number)
        .put("reconnecting", totals.attempted)
        .put("reconnected", totals.reconnected)
        .put("reconnectErrors", BenchReport.of(after.errors()))
        .put("exact", totals.exact)
        .put("completeWithUnexpected", totals.completeWithUnexpected)
        .put("incomplete", totals.incomplete)
        .put("unexpectedEvents", totals.unexpected)
        .put("responseMicros", BenchReport.latency(totals.responseMicros))
        .put("recoveryMicros", BenchReport.latency(totals.recoveryMicros))
        .put("allRecoveredMicros", totals.lastCompletedNanos == Long.MIN_VALUE ? null
            : (totals.lastCompletedNanos - stormStart) / 1_000)
        .put("serverCpuPercent", cpuStart == null ? null : ServerStats.cpuPercent(cpuStart, cpuEnd))
        .put("benchCpuPercent", benchStart == null ? null : ServerStats.cpuPercent(benchStart, benchEnd));
    return new Storm(totals, report, nextIds, lastMissed);
  }

  private NettySubscribers pool(BenchTargets targets, double connectRate, NettySubscribers.Resume resume) {
    return new NettySubscribers(targets, 0, options.subscribers, options.topics, options.loops(),
        options.sourceAddresses, connectRate, options.connectTimeout, resume);
  }

  private void progress(String phase, long connected, long failed) {
    if (options.quiet) {
      return;
    }
    err.println(String.format(Locale.ROOT, "t=%ds %s connected=%d/%d failed=%d",
        (System.nanoTime() - startNanos) / 1_000_000_000L, phase, connected, options.subscribers, failed));
    err.flush();
  }


}
