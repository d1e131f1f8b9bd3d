package dev.herald.bench;

import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import dev.herald.hub.log.EventLog;
import dev.herald.hub.log.IdGenerator;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.Retention;
import dev.herald.hub.log.SqliteEventLog;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
      measure("sqlite-" + durability.name().toLowerCase(), new RecentCache(sqlite, 10_000), count);
    }
  }

  private static void measure(String store, EventLog log, int count) throws Exception {
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
        .eventLog(log).start()) {
      String endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      ConcurrentHashMap<String, Long> receivedAt = new ConcurrentHashMap<>();
      CountDownLatch[] next = {new CountDownLatch(1)};
      EventSource source = EventSource.builder(URI.create(endpoint + "?topic=latency"))
          .listener(event -> {
            receivedAt.put(event.data(), System.nanoTime());
            next[0].countDown();
          }).build().start();
      while (source.readyState() != ReadyState.OPEN) {
        Thread.sleep(5);
      }
      HttpClient http = HttpClient.newHttpClient();
      String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
      long[] micros = new long[count];
      int warmup = Math.min(500, count / 4);
      for (int i = -warmup; i < count; i++) {
        next[0] = new CountDownLatch(1);
        String data = "n" + i;
        long start = System.nanoTime();
        http.send(HttpRequest.newBuilder(URI.create(endpoint))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("topic=latency&data=" + data)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (!next[0].await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("update " + i + " not delivered");
        }
        if (i >= 0) {
          micros[i] = (receivedAt.get(data) - start) / 1000;
        }
      }
      source.close();
      Arrays.sort(micros);
      if (store == null) {
        return;
      }
      System.out.printf("%-13s n=%d p50=%dus p90=%dus p99=%dus max=%dus%n", store, count,
          micros[count / 2], micros[count * 9 / 10], micros[count * 99 / 100], micros[count - 1]);
    }
  }
}
