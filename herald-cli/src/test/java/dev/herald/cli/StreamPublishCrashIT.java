package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A streaming publish cut by {@code kill -9} of the hub (SQLite store, {@code --durability os}) once a
 * live subscriber has seen a random event of it: the restarted hub holds a prefix of the stream that
 * reaches at least that event, in order, each event whole and once; the producer that sends its
 * stream again from the start (the same ids) then completes it, every event still once.
 */
class StreamPublishCrashIT {
  private static final String SECRET = "stream-crash-test-secret-long-enough";
  private static final int EVENTS = 3000;
  /** How far the first stream may run ahead of its live subscriber. */
  private static final int AHEAD = 500;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2})
  void aStreamCutByKillMinus9LeavesAPrefixAndResendingItPublishesEachEventOnce(int seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed * 7919L);
    Path dataDir = Files.createTempDirectory("herald-stream-crash");
    HubProcess first = start(dataDir);
    AtomicInteger seenSoFar = new AtomicInteger(-1);
    int seen = 100 + random.nextInt(1400);
    System.out.println("StreamPublishCrashIT seed " + seed + ": kill -9 once a subscriber saw s-" + seen);
    CompletableFuture<String> writer;
    try (EventIterator live = subscribe(first.endpoint, null)) {
      writer = CompletableFuture.supplyAsync(() -> stream(first.endpoint, random.split(), seenSoFar));
      for (int n = 0; n <= seen; n++) {
        SseEvent event = live.poll(Duration.ofSeconds(20));
        assertThat(event).as("live event " + n).isNotNull();
        assertThat(event.id()).isEqualTo("s-" + n);
        seenSoFar.set(n);
      }
    }
    first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
    first.process.waitFor(20, TimeUnit.SECONDS);
    seenSoFar.set(Integer.MAX_VALUE / 2); // the writer goes on, finds the hub gone and ends
    assertThat(writer.get(30, TimeUnit.SECONDS)).as("the first stream got no answer").isNull();

    try (HubProcess second = start(dataDir)) {
      List<SseEvent> kept = replayAll(second.endpoint);
      assertThat(kept.size()).as("what a subscriber saw was stored").isGreaterThan(seen);
      for (int i = 0; i < kept.size(); i++) {
        assertThat(kept.get(i).id()).as("a prefix, in order").isEqualTo("s-" + i);
        assertThat(kept.get(i).data()).as("each event whole").isEqualTo(payload(i));
      }
      assertThat(kept.size()).as("the kill came mid-stream").isLessThan(EVENTS);

      String answer = stream(second.endpoint, new SplittableRandom(seed), null);
      assertThat(answer).as("the resent stream is accepted whole").startsWith("HTTP/1.1 200");
      List<SseEvent> all = replayAll(second.endpoint);
      assertThat(all).hasSize(EVENTS);
      for (int i = 0; i < EVENTS; i++) {
        assertThat(all.get(i).id()).isEqualTo("s-" + i);
        assertThat(all.get(i).data()).isEqualTo(payload(i));
      }
    }
  }

  private static String payload(int n) {
    return "token " + n + " ".repeat(n % 7) + "é";
  }

  /**
   * Writes the stream in chunks of 1 to 12 events, some cut mid-event; returns the hub's answer, or
   * null when the hub went away. With {@code seen} (the last event a live subscriber got), it keeps
   * at most {@link #AHEAD} events ahead of that subscriber, so the kill comes mid-stream.
   */
  private static String stream(String endpoint, SplittableRandom random, AtomicInteger seen) {
    URI uri = URI.create(endpoint);
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + uri.getPath() + "?topic=t HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
          + "Authorization: Bearer " + token + "\r\nContent-Type: text/event-stream\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder pending = new StringBuilder();
      int n = 0;
      while (n < EVENTS) {
        int count = 1 + random.nextInt(12);
        for (int i = 0; i < count && n < EVENTS; i++, n++) {
          pending.append("id: s-").append(n).append("\ndata: ").append(payload(n)).append("\n\n");
        }
        int cut = random.nextInt(4) == 0 ? random.nextInt(pending.length()) : pending.length();
        chunk(out, pending.substring(0, cut));
        pending.delete(0, cut);
        while (seen != null && n > seen.get() + AHEAD) {
          Thread.sleep(1);
        }
      }
      chunk(out, pending.toString());
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readNBytes(15), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null; // the hub was killed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    if (text.isEmpty()) {
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static EventIterator subscribe(String endpoint, String lastEventId) {
    EventSource.Builder builder = EventSource.builder(URI.create(endpoint + "?topic=t"))
        .header("Authorization", "Bearer " + Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1),
            Instant.now()));
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    return builder.iterator();
  }

  private static List<SseEvent> replayAll(String endpoint) throws Exception {
    List<SseEvent> events = new ArrayList<>();
    try (EventIterator iterator = subscribe(endpoint, "earliest")) {
      for (SseEvent event = iterator.poll(Duration.ofSeconds(10)); event != null;
          event = iterator.poll(Duration.ofSeconds(3))) {
        events.add(event);
      }
    }
    return events;
  }

  private static HubProcess start(Path dataDir) throws Exception {
    return HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--data-dir", dataDir.toString(),
        "--durability", "os");
  }
}
