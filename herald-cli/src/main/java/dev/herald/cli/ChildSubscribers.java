package dev.herald.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Subscribers spread over {@code --processes} child JVMs ({@code herald bench --child}, same jar),
 * each with its share of the subscribers and of the connect rate, driven over stdin/stdout as
 * {@link BenchChild} describes. A child that fails to start or answer counts its subscribers as
 * failed connections; its stderr goes to ours.
 */
final class ChildSubscribers implements SubscriberPool {
  private static final String EOF = "\u0000eof";

  private final BenchCommand options;
  private final List<Child> children = new ArrayList<>();
  private final long[] perTopic;
  private SubscriberTotals lost = SubscriberTotals.empty();

  ChildSubscribers(BenchCommand options) {
    this.options = options;
    this.perTopic = new long[options.topics];
  }

  private static final class Child {
    final Process process;
    final int subscribers;
    final PrintWriter in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Progress last = new Progress(0, 0, 0, new LatencyHistogram());
    boolean connected;
    boolean alive = true;

    Child(Process process, int subscribers) {
      this.process = process;
      this.subscribers = subscribers;
      this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), true);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the child ended
        }
        lines.add(EOF);
      }, "bench-child-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line starting with {@code prefix} (progress lines on the way are kept), or null. */
    String await(String prefix, long deadlineNanos) throws InterruptedException {
      while (alive) {
        String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          return null;
        }
        if (line.equals(EOF)) {
          alive = false;
          return null;
        }
        if (line.startsWith("progress ")) {
          last = parseProgress(line);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      return null;
    }
  }

  static Progress parseProgress(String line) {
    String[] words = line.split(" ");
    return new Progress(Long.parseLong(words[1]), Long.parseLong(words[2]), Long.parseLong(words[3]),
        words.length > 4 ? LatencyHistogram.decode(words[4]) : new LatencyHistogram());
  }

  @Override
  public void connect(ProgressSink sink) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int share = options.perProcess();
    for (int k = 0, first = 0; k < options.processes; k++, first += share) {
      int count = Math.min(share, options.subscribers - first);
      // Out of memory, a child ends (its parent sees it die) rather than stalling the run until the deadline.
      List<String> command = new ArrayList<>(List.of(java, "-XX:+ExitOnOutOfMemoryError",
          "-cp", System.getProperty("java.class.path"),
          Herald.class.getName(), "bench", "--child", "--quiet",
          "--first-subscriber", Integer.toString(first), "--subscribers", Integer.toString(count),
          "--subscribe-url", options.subscribeUrl, "--topics", Integer.toString(options.topics),
          "--event-loops", Integer.toString(options.loops()),
          "--source-addresses", Integer.toString(options.sourceAddresses),
          "--connect-rate", Double.toString(options.connectRate / options.processes),
          "--connect-timeout", options.connectTimeout.toMillis() + "ms",
          "--max-subscribers", Integer.toString(options.maxSubscribers)));
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      children.add(new Child(process, count));
    }
    long deadline = System.nanoTime() + (long) (share / (options.connectRate / options.processes) * 1e9)
        + options.connectTimeout.toNanos() + TimeUnit.SECONDS.toNanos(30);
    long lastReport = System.nanoTime();
    while (System.nanoTime() < deadline && children.stream().anyMatch(c -> c.alive && !c.connected)) {
      for (Child child : children) {
        if (child.alive && !child.connected) {
          String line = child.await("connected ", Math.min(deadline, System.nanoTime() + 50_000_000L));
          if (line != null) {
            child.connected = true;
            long[] counts = Arrays.stream(line.substring(10).split(",")).mapToLong(Long::parseLong).toArray();
            for (int t = 0; t < perTopic.length; t++) {
              perTopic[t] += counts[t];
            }
          }
        }
      }
      if (System.nanoTime() - lastReport >= 1_000_000_000L) {
        lastReport = System.nanoTime();
        sink.connecting(sum(children.stream().map(c -> c.last).collect(Collectors.toList())));
      }
    }
    for (Child child : children) {
      if (!child.connected) {
        child.alive = false;
        child.process.destroyForcibly();
        lost = lost.plus(new SubscriberTotals(child.subscribers, 0, 0, 0, 0, 0, 0, 0, 0,
            Map.of("child process failed", (long) child.subscribers), new LatencyHistogram()));
      }
    }
  }

  private static Progress sum(List<Progress> all) {
    LatencyHistogram latency = new LatencyHistogram();
    long connected = 0;
    long failed = 0;
    long delivered = 0;
    for (Progress p : all) {
      connected += p.connected();
      failed += p.failed();
      delivered += p.delivered();
      latency.add(p.latency());
    }
    return new Progress(connected, failed, delivered, latency);
  }

  @Override
  public long[] connectedPerTopic() {
    return perTopic.clone();
  }

  @Override
  public void measureFrom(long epochMicros) {
    live().forEach(child -> child.in.println("measure " + epochMicros));
  }

  private List<Child> live() {
    return children.stream().filter(c -> c.alive && c.connected).collect(Collectors.toList());
  }

  @Override
  public Progress progress() {
    List<Child> live = live();
    live.forEach(child -> child.in.println("progress"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Child child : live) {
      try {
        child.await("progress ", deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return sum(children.stream().map(c -> c.last).collect(Collectors.toList()));
  }

  @Override
  public SubscriberTotals finish(long[] lastSeqPerTopic) throws Exception {
    String seqs = Arrays.stream(lastSeqPerTopic).mapToObj(Long::toString).collect(Collectors.joining(","));
    List<Child> live = live();
    live.forEach(child -> child.in.println("finish " + seqs));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SubscriberTotals totals = lost;
    Map<String, Long> missing = new TreeMap<>();
    for (Child child : live) {
      String line = child.await("totals ", deadline);
      if (line == null) {
        missing.merge("child process gave no totals", (long) child.subscribers, Long::sum);
      } else {
        totals = totals.plus(SubscriberTotals.decode(line.substring(7)));
      }
      child.process.waitFor(10, TimeUnit.SECONDS);
    }
    if (!missing.isEmpty()) {
      totals = totals.plus(new SubscriberTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, missing, new LatencyHistogram()));
    }
    return totals;
  }

  @Override
  public void close() {
    for (Child child : children) {
      child.in.close();
      if (child.process.isAlive()) {
        child.process.destroy();
      }
    }
  }
}
