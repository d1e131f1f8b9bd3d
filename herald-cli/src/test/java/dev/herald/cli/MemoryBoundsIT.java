package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub in a child JVM with a 256 MiB heap, attacked with large updates and with replays that never
 * read: every buffer is bounded in bytes, so it never runs out of memory, keeps answering publishes
 * and keeps delivering to a live subscriber, and its resident memory stays bounded.
 */
class MemoryBoundsIT {
  private static final String SECRET = "memory-bounds-secret-that-is-long-enough";
  private static final List<String> SMALL_HEAP = List.of("-Xmx256m");
  /** The resident size the hub must stay under while 100 replays of a 100 MB history stall. */
  private static final long RSS_BOUND_BYTES = 600L << 20;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String PUBLISHER = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1),
      Instant.now());

  @TempDir
  Path data;

  private HubProcess serve() throws Exception {
    return HubProcess.serve(SMALL_HEAP, "--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--anonymous",
        "--store", "sqlite", "--data-dir", data.toString(), "--no-ui");
  }

  private static HttpResponse<String> publish(HubProcess hub, String topic, String data, Duration timeout)
      throws IOException, InterruptedException {
    String form = "topic=" + topic + "&data=" + data;
    return HTTP.send(HttpRequest.newBuilder(URI.create(hub.endpoint)).timeout(timeout)
        .header("Authorization", "Bearer " + PUBLISHER)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sixHundredUpdatesOfAMegabyteAreAllAnsweredAndAOneByteUpdateAfterThemIsStored() throws Exception {
    try (HubProcess hub = serve()) {
      String megabyte = "x".repeat(1_000_000);
      int stored = 0;
      for (int i = 0; i < 600; i++) {
        HttpResponse<String> response = publish(hub, "big", megabyte, Duration.ofSeconds(60));
        if (response.statusCode() == 200) {
          stored++;
        } else {
          assertThat(response.statusCode()).as("publish %d: %s", i, response.body()).isEqualTo(503);
          assertThat(response.headers().firstValue("Retry-After")).as("publish %d", i).isPresent();
        }
      }
      // the hang this guards against answered nothing, ever: 5 s is a bound, not a speed
      HttpResponse<String> small = publish(hub, "small", "1", Duration.ofSeconds(5));
      assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
      assertThat(stored).as("the large updates stored").isPositive();
      assertThat(hub.process.isAlive()).isTrue();
      assertThat(hub.log()).doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  void aHundredStalledReplaysOfALargeHistoryNeitherExhaustMemoryNorDelayALiveSubscriber() throws Exception {
    try (HubProcess hub = serve()) {
      String large = "y".repeat(200_000);
      for (int i = 0; i < 500; i++) {
        assertThat(publish(hub, "history", large, Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
      }
      long baseline = residentBytes(hub);
      URI endpoint = URI.create(hub.endpoint);
      List<Socket> stalled = new ArrayList<>();
      try (EventIterator live = EventSource.builder(URI.create(hub.endpoint + "?topic=live")).iterator()) {
        for (int i = 0; i < 100; i++) {
          stalled.add(stalledReplay(endpoint));
        }
        long peak = residentBytes(hub);
        for (int i = 0; i < 50; i++) {
          String id = "live-" + i;
          HttpResponse<String> response = publishWithId(hub, id, large);
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          SseEvent event = live.poll(Duration.ofSeconds(60)); // a bound on a hang, generous for a loaded machine
          assertThat(event).as("live update %d", i).isNotNull();
          assertThat(event.id()).isEqualTo(id);
          peak = Math.max(peak, residentBytes(hub));
        }
        double inFlight = gauge(metrics(hub), "herald_replay_bytes_in_flight");
        assertThat(inFlight).as("the stalled replays hold pages, within the replay budget")
            .isPositive().isLessThanOrEqualTo(64 << 20);
        System.out.printf("MemoryBoundsIT: resident %d MiB before the replays, at most %d MiB while they stall%n",
            baseline >> 20, peak >> 20);
        assertThat(peak).as("resident memory while the replays stall (baseline %d MiB)", baseline >> 20)
            .isLessThan(RSS_BOUND_BYTES);
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
      assertThat(hub.process.isAlive()).isTrue();
      assertThat(hub.log()).doesNotContain("OutOfMemoryError");
      // once they left, the hub is as it was: a new replay goes through and the bytes came back
      String metrics = metricsAfterReplaysEnd(hub);
      assertThat(metrics).contains("herald_replay_bytes_in_flight 0.0");
      long after = residentBytes(hub);
      System.out.printf("MemoryBoundsIT: resident %d MiB after the replays left%n", after >> 20);
      assertThat(after).as("resident memory after the replays left, near the %d MiB before them", baseline >> 20)
          .isLessThan(baseline + (128L << 20));
    }
  }

  private static HttpResponse<String> publishWithId(HubProcess hub, String id, String data)
      throws IOException, InterruptedException {
    String form = "topic=live&id=" + id + "&data=" + data;
    return HTTP.send(HttpRequest.newBuilder(URI.create(hub.endpoint)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + PUBLISHER)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A subscriber that asks for all history with a 4 KB receive buffer and never reads. */
  private static Socket stalledReplay(URI endpoint) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 10_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + endpoint.getPath() + "?topic=*&lastEventID=earliest HTTP/1.1\r\nHost: hub\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static String metrics(HubProcess hub) throws Exception {
    URI metrics = URI.create(hub.endpoint.replace("/.well-known/mercure", "/metrics"));
    return HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double gauge(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new IllegalStateException("no " + name + " in the metrics");
  }

  /** The metrics page once no replay holds history any more (bounded wait: the closes reach the hub). */
  private static String metricsAfterReplaysEnd(HubProcess hub) throws Exception {
    String body = "";
    for (int attempt = 0; attempt < 100; attempt++) {
      body = metrics(hub);
      if (body.contains("herald_replay_bytes_in_flight 0.0")) {
        return body;
      }
      Thread.sleep(100);
    }
    return body;
  }

  /** The child's resident set size, from {@code /proc}. */
  private static long residentBytes(HubProcess hub) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(hub.process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for the hub");
  }
}
