package dev.herald.bench;

import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.auth.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Publish-to-delivery latency through running hubs: updates POSTed one after another to one hub
 * endpoint, each timed until a subscriber on another (or the same) endpoint gets it. Shared by
 * {@link DeliveryLatency} and {@link RedisClusterBench}.
 */
final class LatencyProbe {
  private LatencyProbe() {}

  /**
   * Publishes {@code warmup} unmeasured then {@code count} measured updates; returns the measured
   * latencies in microseconds, sorted.
   */
  static long[] run(String publishTo, String subscribeTo, String secret, int count, int warmup) throws Exception {
    return run(publishTo, subscribeTo + "?topic=latency", "latency", secret, count, warmup);
  }

  /** As {@link #run(String, String, String, int, int)}, subscribed with the URL {@code subscription}, publishing on {@code topic}. */
  static long[] run(String publishTo, String subscription, String topic, String secret, int count, int warmup)
      throws Exception {
    ConcurrentHashMap<String, Long> receivedAt = new ConcurrentHashMap<>();
    CountDownLatch[] next = {new CountDownLatch(1)};
    String form = "topic=" + java.net.URLEncoder.encode(topic, java.nio.charset.StandardCharsets.UTF_8) + "&data=";
    EventSource source = EventSource.builder(URI.create(subscription))
        .listener(event -> {
          receivedAt.put(event.data(), System.nanoTime());
          next[0].countDown();
        }).build().start();
    try {
      while (source.readyState() != ReadyState.OPEN) {
        Thread.sleep(5);
      }
      HttpClient http = HttpClient.newHttpClient();
      String token = Tokens.hmac(secret, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
      long[] micros = new long[count];
      for (int i = -warmup; i < count; i++) {
        next[0] = new CountDownLatch(1);
        String data = "n" + i;
        long start = System.nanoTime();
        http.send(HttpRequest.newBuilder(URI.create(publishTo))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(form + data)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (!next[0].await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("update " + i + " not delivered");
        }
        if (i >= 0) {
          micros[i] = (receivedAt.get(data) - start) / 1000;
        }
      }
      Arrays.sort(micros);
      return micros;
    } finally {
      source.close();
    }
  }

  /** {@code p50=..us p90=..us p99=..us max=..us} of sorted latencies. */
  static String percentiles(long[] sorted) {
    int n = sorted.length;
    return String.format("p50=%dus p90=%dus p99=%dus max=%dus", sorted[n / 2], sorted[n * 9 / 10],
        sorted[n * 99 / 100], sorted[n - 1]);
  }
}
