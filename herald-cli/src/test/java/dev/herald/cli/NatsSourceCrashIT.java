package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Exactly once from NATS JetStream across a crash: {@code herald serve --store sqlite --source nats://...}
 * in its own JVM consumes a stream while 10,000 messages are published, is killed with SIGKILL once
 * the durable's ack floor passes a seeded random point, and is started again on the same data
 * directory. Afterwards the log holds every message once, in stream order, and a subscriber replaying
 * from {@code earliest} sees exactly that. Uses the NATS server on 127.0.0.1:4222 (skipped without
 * one unless {@code HERALD_REQUIRE_SERVICES=1}); {@code -Dherald.seed=N} repeats a run.
 */
class NatsSourceCrashIT {
  private static final String SECRET = "nats-crash-test-secret-that-is-long-enough";
  private static final String TOPIC = "https://example.com/crash";
  private static final int MESSAGES = 10_000;

  @Test
  void everyMessageIsStoredOnceInStreamOrderAcrossKillMinus9() throws Exception {
    requireNats();
    long seed = Long.getLong("herald.seed", System.nanoTime());
    System.out.println("NatsSourceCrashIT seed=" + seed + " (-Dherald.seed=" + seed + " repeats this run)");
    SplittableRandom random = new SplittableRandom(seed);
    long killAt = 500 + random.nextInt(MESSAGES - 2000);
    String stream = "HERALD_CRASH_" + Long.toHexString(random.nextLong()).toUpperCase(Locale.ROOT);
    String prefix = stream.toLowerCase(Locale.ROOT);
    String source = "nats://127.0.0.1:4222?stream=" + stream + "&subjects=" + prefix + ".>&topic=" + TOPIC;
    Path dataDir = Files.createTempDirectory("herald-nats-crash");
    try (Connection nats = Nats.connect(Options.builder().server("nats://127.0.0.1:4222").build())) {
      JetStreamManagement jsm = nats.jetStreamManagement();
      try {
        HubProcess first = start(dataDir, source);
        await("the hub created the stream", () -> ackFloor(jsm, stream) >= 0);
        String[] data = new String[MESSAGES + 1]; // by stream sequence
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(nats, prefix, data));
        await("the hub acknowledged " + killAt + " messages", () -> ackFloor(jsm, stream) >= killAt);
        Thread.sleep(random.nextInt(40)); // a moment within a batch: fetching, storing or acknowledging
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing acknowledged on the way out
        assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long floorAtKill = ackFloor(jsm, stream);
        long unacknowledged = jsm.getConsumerInfo(stream, "herald").getNumAckPending();
        publishing.get(60, TimeUnit.SECONDS);
        System.out.println("NatsSourceCrashIT killed at ack floor " + floorAtKill + " of " + MESSAGES + " with "
            + unacknowledged + " delivered and not acknowledged");

        try (HubProcess second = start(dataDir, source)) {
          await("the restarted hub acknowledged every message", () -> ackFloor(jsm, stream) == MESSAGES);
          List<String> expected = new ArrayList<>();
          for (int sequence = 1; sequence <= MESSAGES; sequence++) {
            assertThat(data[sequence]).as("published at sequence %d", sequence).isNotNull();
            expected.add("nats-" + stream + "-" + sequence + " " + data[sequence]);
          }
          assertThat(replayAll(second.endpoint)).as("every message once, in stream order")
              .containsExactlyElementsOf(expected);
          System.out.println("NatsSourceCrashIT restarted hub: " + sourceMetrics(second.endpoint));
        }
      } finally {
        try {
          jsm.deleteStream(stream);
        } catch (JetStreamApiException e) {
          // never created
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** Publishes the messages on subjects {@code prefix.o.0..6}, 256 in flight at most; records each one's data by sequence. */
  private static void publish(Connection nats, String prefix, String[] data) {
    try {
      JetStream js = nats.jetStream();
      List<CompletableFuture<PublishAck>> inFlight = new ArrayList<>();
      List<String> sent = new ArrayList<>();
      for (int n = 1; n <= MESSAGES; n++) {
        String text = "m-" + n;
        inFlight.add(js.publishAsync(prefix + ".o." + (n % 7), text.getBytes(StandardCharsets.UTF_8)));
        sent.add(text);
        if (inFlight.size() == 256 || n == MESSAGES) {
          for (int i = 0; i < inFlight.size(); i++) {
            data[(int) inFlight.get(i).get(30, TimeUnit.SECONDS).getSeqno()] = sent.get(i);
          }
          inFlight.clear();
          sent.clear();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("publishing failed", e);
    }
  }

  /** "id data" of every event a subscriber replaying from earliest gets. */
  private static List<String> replayAll(String endpoint) throws Exception {
    List<String> events = new ArrayList<>();
    String token = Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1), Instant.now());
    URI uri = URI.create(endpoint + "?topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8));
    try (EventIterator iterator = EventSource.builder(uri).header("Authorization", "Bearer " + token)
        .lastEventId("earliest").iterator()) {
      for (SseEvent event = iterator.poll(Duration.ofSeconds(10)); event != null;
          event = events.size() >= MESSAGES + 10 ? null : iterator.poll(Duration.ofSeconds(3))) {
        events.add(event.id() + " " + event.data());
      }
    }
    return events;
  }

  /** The restarted hub's herald_source_messages_total lines (how many came again as duplicates), for the record. */
  private static String sourceMetrics(String endpoint) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.replace(
        "/.well-known/mercure", "/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
    return String.join("; ", metrics.lines().filter(line -> line.startsWith("herald_source_messages_total")).toList());
  }

  /** The hub's durable's ack floor, or -1 while the stream or the durable does not exist. */
  private static long ackFloor(JetStreamManagement jsm, String stream) {
    try {
      return jsm.getConsumerInfo(stream, "herald").getAckFloor().getStreamSequence();
    } catch (JetStreamApiException e) {
      return -1;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static HubProcess start(Path dataDir, String source) throws Exception {
    return HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "sqlite",
        "--data-dir", dataDir.toString(), "--source", source);
  }

  private static void requireNats() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 4222), 1000);
    } catch (IOException e) {
      String message = "no NATS server on 127.0.0.1:4222 (Debian's nats-server, run with -js)";
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
    }
  }
}
