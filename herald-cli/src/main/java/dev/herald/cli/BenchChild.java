package dev.herald.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code herald bench --child}: the subscribers of one child process, driven by its parent
 * ({@link ChildSubscribers}) through standard input and output, one line each way:
 * it writes {@code progress CONNECTED FAILED DELIVERED} while connecting and
 * {@code connected N0,N1,...} (open subscriptions per topic) when done; then answers
 * {@code measure MICROS} silently, {@code progress} with a progress line plus the encoded latency
 * histogram, and {@code finish SEQ0,SEQ1,...} with {@code totals ...} ({@link SubscriberTotals#encode()})
 * before exiting. End of input ends it too.
 */
final class BenchChild {
  private final BenchCommand options;

  BenchChild(BenchCommand options) {
    this.options = options;
  }

  int run() throws Exception {
    PrintWriter out = options.spec.commandLine().getOut();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    try (NettySubscribers pool = new NettySubscribers(options.targets(), options.firstSubscriber,
        options.subscribers, options.topics, options.loops(), options.sourceAddresses, options.connectRate,
        options.connectTimeout)) {
      pool.connect(p -> line(out, "progress " + p.connected() + " " + p.failed() + " " + p.delivered()));
      line(out, "connected " + Arrays.stream(pool.connectedPerTopic()).mapToObj(Long::toString)
          .collect(Collectors.joining(",")));
      for (String command = in.readLine(); command != null; command = in.readLine()) {
        String[] words = command.strip().split(" ");
        switch (words[0]) {
          case "measure" -> pool.measureFrom(Long.parseLong(words[1]));
          case "progress" -> {
            SubscriberPool.Progress p = pool.progress();
            line(out, "progress " + p.connected() + " " + p.failed() + " " + p.delivered() + " " + p.latency().encode());
          }
          case "finish" -> {
            long[] seqs = Arrays.stream(words[1].split(",")).mapToLong(Long::parseLong).toArray();
            line(out, "totals " + pool.finish(seqs).encode());
            return 0;
          }
          default -> throw new IllegalStateException("unknown command from the parent bench: " + words[0]);
        }
      }
      return 1;
    }
  }

  private static void line(PrintWriter out, String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }
}
