package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * At least once from MQTT through a crash: {@code herald serve --store sqlite --source mqtt://...}
 * consumes a topic while the test publishes 10,000 QoS 1 messages; the hub is killed with SIGKILL
 * once a seeded random number of them is published, more are published while it is down, and it is
 * restarted on the same data directory. MQTT 3.1.1 has no message id that survives a redelivery, so
 * what the dead hub stored without acknowledging comes again under a new id: the log must hold every
 * message, first occurrences in publish order, and the duplicates are counted and printed, not
 * forbidden. The publisher stays about {@value #AHEAD} messages ahead of the hub (read from its
 * /metrics) and publishes {@value #AHEAD} while it is down, so Mosquitto's default queue of 1000
 * messages per session never overflows (beyond it, Mosquitto drops QoS 1 messages).
 * Skipped without a broker on 127.0.0.1:1883 unless {@code HERALD_REQUIRE_SERVICES=1}.
 */
class MqttSourceCrashIT {
  private static final String SECRET = "mqtt-crash-test-secret-long-enough-yes";
  private static final String TOPIC = "https://example.com/mqtt-crash";
  private static final int MESSAGES = 10_000;
  private static final int AHEAD = 300;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern SAMPLE = Pattern.compile("(?m)^herald_source_messages_total\\{[^}]*} (\\S+)$");

  @Test
  void everyMessageAtLeastOnceInPublishOrderAfterKillMinus9() throws Exception {
    long seed = Long.getLong("herald.crash.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    int killAfter = 1_000 + random.nextInt(MESSAGES - 2_000);
    System.out.println("MqttSourceCrashIT seed=" + seed + " (-Dherald.crash.seed=" + seed + " repeats it): kill after "
        + killAfter + " published");
    String suffix = Long.toHexString(seed);
    String mqttTopic = "herald-crash-" + suffix + "/readings";
    String clientId = "herald-crash-" + suffix;
    MqttClient publisher = connect("herald-crash-pub-" + suffix, true);
    Path dataDir = Files.createTempDirectory("herald-mqtt-crash");
    String source = "mqtt://127.0.0.1:1883?filter=" + mqttTopic + "&client_id=" + clientId + "&topic=" + TOPIC;
    String[] options = {"--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "sqlite",
        "--data-dir", dataDir.toString(), "--source", source};
    HubProcess first = HubProcess.serve(options);
    HubProcess hub = first;
    HubProcess second = null;
    try {
      awaitSubscribed(first);
      long base = 0; // what the current hub's counters do not cover
      for (int n = 0; n < MESSAGES; n++) {
        if (n % 50 == 0 && hub != null) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          for (long consumed = consumed(hub); n - base - consumed > AHEAD; consumed = consumed(hub)) {
            if (System.nanoTime() > deadline) {
              throw new AssertionError("the hub did not keep up: " + n + " published, " + consumed + " consumed"
                  + " (base " + base + "); its log:\n" + hub.log());
            }
            Thread.sleep(5);
          }
        }
        MqttMessage message = new MqttMessage(data(n).getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        publisher.publish(mqttTopic, message);
        if (n + 1 == killAfter) {
          first.process.destroyForcibly(); // SIGKILL: no PUBACK for what it held, no clean disconnect
          assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
          hub = null;
        }
        if (hub == null && n + 1 == killAfter + AHEAD) { // published while it was down: queued in the session
          second = HubProcess.serve(options);
          hub = second;
          // as if the first hub had consumed all it was sent: the session may hold AHEAD more (what it had
          // not acknowledged, at most AHEAD and the broker's in-flight window), still far below 1000
          base = killAfter;
          System.out.println("restarted the hub with " + (n + 1) + " published");
        }
      }
      if (second == null) {
        second = HubProcess.serve(options);
      }
      List<String> replayed = replay(second.endpoint);
      List<String> expected = new ArrayList<>();
      for (int n = 0; n < MESSAGES; n++) {
        expected.add(data(n));
      }
      List<String> firstOccurrences = new ArrayList<>(new LinkedHashSet<>(replayed));
      System.out.println("replayed " + replayed.size() + " updates for " + MESSAGES + " messages: "
          + (replayed.size() - firstOccurrences.size()) + " published twice (at least once)");
      assertThat(firstOccurrences).as("every message, first occurrences in publish order").isEqualTo(expected);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      publisher.disconnect();
      publisher.close();
      MqttClient cleaner = connect(clientId, true); // ends the hub's persistent session on the broker
      cleaner.disconnect();
      cleaner.close();
    }
  }

  private static String data(int n) {
    return String.format("m-%05d", n);
  }

  /** Every message the hub's source polled (published, duplicates, refused): its progress. */
  private static long consumed(HubProcess hub) throws Exception {
    String base = hub.endpoint.substring(0, hub.endpoint.indexOf("/.well-known/"));
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long total = 0;
    Matcher matcher = SAMPLE.matcher(metrics);
    while (matcher.find()) {
      total += (long) Double.parseDouble(matcher.group(1));
    }
    return total;
  }

  /** Waits until the hub's source runs (it subscribed), so the first messages reach its session. */
  private static void awaitSubscribed(HubProcess hub) throws Exception {
    String base = hub.endpoint.substring(0, hub.endpoint.indexOf("/.well-known/"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (metrics.lines().anyMatch(line -> line.startsWith("herald_source_up") && line.endsWith(" 1.0"))) {
        return;
      }
      assertThat(System.nanoTime()).as("the source subscribed").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Replays from earliest until every message came (or 60 s passed), then 2 s more for any extra. */
  private static List<String> replay(String endpoint) throws Exception {
    List<String> data = new ArrayList<>();
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    String token = Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1), Instant.now());
    try (EventIterator iterator = EventSource.builder(URI.create(endpoint + "?topic=" + TOPIC))
        .header("Authorization", "Bearer " + token).lastEventId("earliest").iterator()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (distinct.size() < MESSAGES && System.nanoTime() < deadline) {
        SseEvent event = iterator.poll(Duration.ofSeconds(5));
        if (event != null) {
          data.add(event.data());
          distinct.add(event.data());
        }
      }
      for (SseEvent extra = iterator.poll(Duration.ofSeconds(2)); extra != null;
          extra = iterator.poll(Duration.ofSeconds(2))) {
        data.add(extra.data());
      }
    }
    return data;
  }

  private static MqttClient connect(String clientId, boolean clean) throws Exception {
    MqttClient client = new MqttClient("tcp://127.0.0.1:1883", clientId, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(clean);
    options.setMaxInflight(1000);
    try {
      client.connect(options);
    } catch (MqttException e) {
      String message = "no MQTT broker on 127.0.0.1:1883: " + e;
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
    }
    return client;
  }
}
