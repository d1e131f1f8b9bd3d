package dev.herald.bench;

import dev.herald.hub.Hub;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.redis.RedisEventLog;
import dev.herald.redis.RedisLogSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Redis as the hub's log, with 1 and 3 nodes in this JVM: acknowledged appends per second with
 * concurrent publishers (straight into {@link RedisEventLog}), and publish-to-delivery latency
 * through real hubs (POST to the first node, the subscriber on the last). Needs a Redis of its own:
 * <pre>
 * redis-server --port 6390 --save '' --appendonly yes --appendfsync everysec --daemonize yes
 * java -cp herald-bench/target/benchmarks.jar dev.herald.bench.RedisClusterBench redis://127.0.0.1:6390
 * </pre>
 * Each run uses fresh keys (a new prefix), bounded to 100,000 updates.
 */
public final class RedisClusterBench {
  private static final String SECRET = "redis-bench-secret-that-is-long-enough!!";
  private static final Duration APPEND_RUN = Duration.ofSeconds(10);

  private RedisClusterBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: RedisClusterBench redis://host:port [latency-count]");
      System.exit(2);
    }
    URI redis = URI.create(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int nodes : new int[] {1, 3}) {
      for (int publishers : new int[] {1, 8, 64}) {
        appendThroughput(redis, "bench-" + run + "-a" + nodes + "-" + publishers, nodes, publishers);
      }
    }
    latency(redis, "bench-" + run + "-warm", 1, count / 4, false);
    for (int nodes : new int[] {1, 3}) {
      latency(redis, "bench-" + run + "-l" + nodes, nodes, count, true);
    }
  }

  private static List<RedisEventLog> open(URI redis, String prefix, int nodes) {
    RedisLogSettings settings = RedisLogSettings.of(redis, 100_000, Duration.ZERO).withKeyPrefix(prefix);
    List<RedisEventLog> logs = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      logs.add(RedisEventLog.open(settings, new IdGenerator()));
    }
    return logs;
  }

  /** Publishers spread over the nodes, each appending one 100-byte update at a time. */
  private static void appendThroughput(URI redis, String prefix, int nodes, int publishers) throws Exception {
    List<RedisEventLog> logs = open(redis, prefix, nodes);
    LongAdder appended = new LongAdder();
    LongAdder delivered = new LongAdder();
    logs.forEach(log -> log.onAppend(entries -> delivered.add(entries.size())));
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    String data = "x".repeat(100);
    long end = System.nanoTime() + APPEND_RUN.toNanos();
    for (int p = 0; p < publishers; p++) {
      RedisEventLog log = logs.get(p % nodes);
      pool.execute(() -> {
        while (System.nanoTime() < end) {
          log.append(List.of(new Update(null, List.of("https://example.com/bench"), data, false, null, null)));
          appended.increment();
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(APPEND_RUN.toSeconds() + 30, TimeUnit.SECONDS);
    long total = appended.sum();
    Thread.sleep(500); // let the tails catch up before counting deliveries
    System.out.printf("append  nodes=%d publishers=%-2d  %,8.0f acknowledged appends/s  (tails delivered %,d of %,d x %d)%n",
        nodes, publishers, total / (double) APPEND_RUN.toSeconds(), delivered.sum(), total, nodes);
    logs.forEach(RedisEventLog::close);
  }

  /** Sequential publishes through the first node; one subscriber on the last node. */
  private static void latency(URI redis, String prefix, int nodes, int count, boolean report) throws Exception {
    List<Hub> hubs = new ArrayList<>();
    for (RedisEventLog log : open(redis, prefix, nodes)) {
      hubs.add(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .ui(false).eventLog(log).start());
    }
    try {
      String publishTo = "http://127.0.0.1:" + hubs.get(0).address().getPort() + Hub.PATH;
      String subscribeTo = "http://127.0.0.1:" + hubs.get(nodes - 1).address().getPort() + Hub.PATH;
      long[] micros = LatencyProbe.run(publishTo, subscribeTo, SECRET, count, 0);
      if (report) {
        System.out.printf("latency nodes=%d n=%d  %s%n", nodes, count, LatencyProbe.percentiles(micros));
      }
    } finally {
      hubs.forEach(Hub::close);
    }
  }
}
