package dev.herald.bench;

import dev.herald.hub.Hub;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Publish-to-delivery latency through a real hub on loopback, for each store: the time from just
 * before a publisher's POST to the moment one subscriber's listener gets the event, for updates
 * published one after another. Prints p50, p90, p99 and max in microseconds. Not JMH: it measures a
 * round trip across threads and sockets, not a method. Run:
 * {@code java -cp herald-bench/target/benchmarks.jar dev.herald.bench.DeliveryLatency [count]}
 */
public final class DeliveryLatency {
  private static final String SECRET = "latency-probe-secret-that-is-long-enough";

  private DeliveryLatency() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("herald-latency");
    // A first, unreported round warms the JIT, which otherwise favours whichever store runs last.
    measure(null, new MemoryEventLog(10_000, new IdGenerator()), count);
    measure("memory", new MemoryEventLog(10_000, new IdGenerator()), count);
    for (SqliteEventLog.Durability durability : SqliteEventLog.Durability.values()) {
      SqliteEventLog sqlite = SqliteEventLog.open(dir.resolve(durability + ".db"), durability, Retention.DEFAULT,
          new IdGenerator());
      measure("sqlite-" + durability.name().toLowerCase(), new RecentCache(sqlite, RecentCache.DEFAULT_MAX_BYTES),
          count);
    }
  }

  private static void measure(String store, EventLog log, int count) throws Exception {
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
        .eventLog(log).start()) {
      String endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      long[] micros = LatencyProbe.run(endpoint, endpoint, SECRET, count, Math.min(500, count / 4));
      if (store != null) {
        System.out.printf("%-13s n=%d %s%n", store, count, LatencyProbe.percentiles(micros));
      }
    }
  }
}
