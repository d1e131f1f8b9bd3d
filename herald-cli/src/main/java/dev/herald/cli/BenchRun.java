package dev.herald.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code herald bench} run: connect the subscribers (paced), let them settle, publish for
 * warmup + duration while printing progress each second, wait for the answers and for deliveries
 * (up to --drain), close everything, print the JSON line. Exit code 1 when nothing connected.
 */
final class BenchRun {
  private final BenchCommand options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final long startNanos = System.nanoTime();

  BenchRun(BenchCommand options) {
    this.options = options;
    this.out = options.spec.commandLine().getOut();
    this.err = options.spec.commandLine().getErr();
  }

  int run() throws Exception {
    BenchTargets targets = options.targets();
    Long pid = options.serverPid;
    ServerStats.Sample beforeConnect = pid == null ? null : ServerStats.sample(pid);
    try (SubscriberPool pool = pool(targets)) {
      pool.connect(progress -> progress("connect", progress, 0));
      long[] perTopic = pool.connectedPerTopic();
      long connected = 0;
      for (long n : perTopic) {
        connected += n;
      }
      ServerStats.Sample idle = null;
      if (connected > 0 && pid != null) {
        Thread.sleep(1000); // let the hub settle after the connection burst
        idle = ServerStats.sample(pid);
      }
      BenchPublisher publisher = new BenchPublisher(targets, options.publisherToken(), options.topics,
          options.rate, options.payload, options.maxInFlight);
      if (options.randomTopics) {
        publisher.randomTopics(42);
      }
      if (options.streamPublish) {
        publisher.streaming();
      }
      ServerStats.Sample measureStart = null;
      ServerStats.Sample measureEnd = null;
      if (connected > 0) {
        long publishStart = System.nanoTime();
        long measureFrom = BenchPayload.nowMicros() + options.warmup.toNanos() / 1_000;
        long measureStartNanos = publishStart + options.warmup.toNanos();
        long end = measureStartNanos + options.duration.toNanos();
        pool.measureFrom(measureFrom);
        Thread pacing = new Thread(() -> publisher.run(publishStart, end, measureFrom), "bench-publisher");
        pacing.setDaemon(true);
        pacing.start();
        measureStart = pid == null ? null : sampleAt(pid, measureStartNanos, pool, publisher);
        benchStart = ServerStats.self();
        while (pacing.isAlive()) {
          pacing.join(1000);
          progress(pool, publisher);
        }
        // a publisher that fell behind stretches the measured window past its nominal end
        measureEnd = pid == null ? null : ServerStats.sample(pid);
        benchEnd = ServerStats.self();
        measuredNanos = Math.max(1, publisher.lastSendNanos() - measureStartNanos);
        publisher.awaitAnswers(Duration.ofSeconds(30));
        long drainEnd = publisher.lastSendNanos() + options.drain.toNanos();
        while (System.nanoTime() < drainEnd && pool.progress().delivered() < publisher.expected(perTopic)) {
          Thread.sleep(20);
        }
        progress(pool, publisher);
      }
      SubscriberTotals totals = pool.finish(publisher.lastAckedSeqs());
      out.println(report(totals, perTopic, publisher, beforeConnect, idle, measureStart, measureEnd));
      out.flush();
      if (connected == 0) {
        err.println("herald: no subscriber connected: " + totals.errors());
        err.flush();
        return 1;
      }
      return 0;
    }
  }

  private SubscriberPool pool(BenchTargets targets) {
    if (options.processes > 1) {
      return new ChildSubscribers(options);
    }
    return new NettySubscribers(targets, 0, options.subscribers, options.topics, options.loops(),
        options.sourceAddresses, options.connectRate, options.connectTimeout);
  }

  /** Waits until {@code atNanos}, printing progress each second, then samples the server. */
  private ServerStats.Sample sampleAt(long pid, long atNanos, SubscriberPool pool, BenchPublisher publisher)
      throws Exception {
    for (long now = System.nanoTime(); now < atNanos; now = System.nanoTime()) {
      Thread.sleep(Math.max(1, Math.min(1000, (atNanos - now) / 1_000_000)));
      if (System.nanoTime() - lastProgress >= 999_000_000L) {
        progress(pool, publisher);
      }
    }
    return ServerStats.sample(pid);
  }

  private long measuredNanos;
  /** This process's CPU over the measured window: a bench near 100% limits what it can measure. */
  private ServerStats.Sample benchStart;
  private ServerStats.Sample benchEnd;
  private long lastProgress = System.nanoTime();
  private long lastDelivered;

  private void progress(SubscriberPool pool, BenchPublisher publisher) {
    progress("publish", pool.progress(), publisher.published.sum());
  }

  private void progress(String phase, SubscriberPool.Progress p, long published) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastProgress) / 1e9);
    long rate = Math.round((p.delivered() - lastDelivered) / seconds);
    lastProgress = now;
    lastDelivered = p.delivered();
    if (options.quiet) {
      return;
    }
    err.println(String.format(Locale.ROOT, "t=%ds %s connected=%d/%d failed=%d published=%d delivered=%d rate=%d/s p99=%.1fms",
        (now - startNanos) / 1_000_000_000L, phase, p.connected(), options.subscribers, p.failed(), published,
        p.delivered(), rate, p.latency().percentile(0.99) / 1000.0));
    err.flush();
  }

  private String report(SubscriberTotals totals, long[] perTopic, BenchPublisher publisher,
      ServerStats.Sample beforeConnect, ServerStats.Sample idle, ServerStats.Sample measureStart,
      ServerStats.Sample measureEnd) {
    long expected = publisher.expected(perTopic);
    double seconds = measuredNanos > 0 ? measuredNanos / 1e9 : options.duration.toNanos() / 1e9;
    Map<String, Long> publishErrors = publisher.errors();
    BenchReport report = new BenchReport()
        .put("subscribers", options.subscribers)
        .put("connected", totals.connected())
        .put("connectErrors", BenchReport.of(totals.errors()))
        .put("topics", options.topics)
        .put("rate", options.rate)
        .put("duration", options.duration.toNanos() / 1e9)
        .put("measuredSeconds", Math.round(seconds * 1000) / 1000.0)
        .put("warmup", options.warmup.toNanos() / 1e9)
        .put("processes", options.processes)
        .put("published", publisher.measuredPublished.sum())
        .put("publishedTotal", publisher.published.sum())
        .put("publishErrors", publishErrors.values().stream().mapToLong(Long::longValue).sum())
        .put("publishErrorsByKind", BenchReport.of(publishErrors))
        .put("publisherLate", publisher.late.sum())
        .put("publisherLagMax", publisher.lagMaxMicros.get())
        .put("expected", expected)
        .put("delivered", totals.delivered())
        .put("deliveredPerSecond", Math.round(totals.delivered() / seconds))
        .put("deliveryRatio", expected == 0 ? null : totals.delivered() / (double) expected)
        .put("gaps", totals.gaps())
        .put("duplicates", totals.duplicates())
        .put("connectionsWithGaps", totals.connectionsWithGaps())
        .put("connectionsWithDuplicates", totals.connectionsWithDuplicates())
        .put("disconnected", totals.disconnected())
        .put("latencyMicros", BenchReport.latency(totals.latency()))
        .put("benchCpuPercent", benchStart == null || benchEnd == null ? null
            : ServerStats.cpuPercent(benchStart, benchEnd));
    if (options.serverPid != null) {
      BenchReport server = new BenchReport().put("pid", options.serverPid);
      if (measureStart != null && measureEnd != null) {
        server.put("cpuPercent", ServerStats.cpuPercent(measureStart, measureEnd))
            .put("rssBytes", measureEnd.rssBytes());
      }
      server.put("rssBeforeConnectBytes", beforeConnect.rssBytes());
      if (idle != null) {
        server.put("rssConnectedIdleBytes", idle.rssBytes())
            .put("rssPerConnectionBytes", totals.connected() == 0 ? null
                : (idle.rssBytes() - beforeConnect.rssBytes()) / totals.connected());
      }
      report.put("server", server);
    }
    return report.toString();
  }
}
