package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash safety of the default store: a hub in its own JVM takes publishes from four threads and is
 * killed with SIGKILL at a random moment; restarted on the same data directory, it must replay every
 * update it acknowledged, each publisher's in the order they were acknowledged, with no duplicate.
 */
class CrashSafetyIT {
  private static final String SECRET = "crash-test-secret-that-is-long-enough";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private record Hub(Process process, String endpoint) {}

  @ParameterizedTest(name = "{0} durability, run {1}")
  @CsvSource({"os, 1", "os, 2", "fsync, 1", "fsync, 2"})
  void everyAcknowledgedUpdateSurvivesKillMinus9(String durability, int run) throws Exception {
    Path dataDir = Files.createTempDirectory("herald-crash");
    String token = Tokens.hmac(SECRET, List.of("*"), List.of("*"), Duration.ofHours(1), Instant.now());
    Hub first = start(dataDir, durability);
    List<List<String>> acknowledged = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService publishers = Executors.newFixedThreadPool(4);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      List<String> mine = java.util.Collections.synchronizedList(new ArrayList<>());
      acknowledged.add(mine);
      int publisher = p;
      running.add(CompletableFuture.runAsync(() -> publishUntilRefused(first.endpoint(), token, publisher, mine, stop),
          publishers));
    }
    Thread.sleep(1000 + new SplittableRandom(run * 31L + durability.length()).nextInt(2000));
    first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
    first.process().waitFor(20, TimeUnit.SECONDS);
    stop.set(true);
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    publishers.shutdown();

    Hub second = start(dataDir, durability);
    try {
      List<String> replayed = replayAll(second.endpoint());
      Set<String> unique = new HashSet<>(replayed);
      assertThat(unique).as("no duplicate in the replay").hasSameSizeAs(replayed);
      int total = 0;
      for (List<String> mine : acknowledged) {
        total += mine.size();
        assertThat(replayed).as("every acknowledged update is there").containsAll(mine);
        List<String> order = new ArrayList<>(replayed);
        order.retainAll(mine);
        assertThat(order).as("in the order acknowledged").containsExactlyElementsOf(mine);
      }
      assertThat(total).as("the test published something before the kill").isGreaterThan(20);
    } finally {
      second.process().destroy();
      second.process().waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static void publishUntilRefused(String endpoint, String token, int publisher, List<String> acknowledged,
      AtomicBoolean stop) {
    for (int n = 0; !stop.get(); n++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=" + publisher + "-" + n)).build();
      try {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          acknowledged.add(response.body().strip());
        }
      } catch (IOException e) {
        return; // the hub is gone: whatever was not acknowledged may be lost
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static List<String> replayAll(String endpoint) throws Exception {
    List<String> ids = new ArrayList<>();
    try (EventIterator events = EventSource.builder(URI.create(endpoint + "?topic=t"))
        .header("Authorization", "Bearer " + Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1),
            Instant.now()))
        .lastEventId("earliest").iterator()) {
      for (SseEvent event = events.poll(Duration.ofSeconds(10)); event != null;
          event = events.poll(Duration.ofSeconds(5))) {
        ids.add(event.id());
      }
    }
    return ids;
  }

  private static Hub start(Path dataDir, String durability) throws Exception {
    HubProcess hub = HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET,
        "--data-dir", dataDir.toString(), "--durability", durability);
    return new Hub(hub.process, hub.endpoint);
  }
}
