package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
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
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Exactly once from RabbitMQ through a crash: {@code herald serve --store sqlite --source amqp://...}
 * consumes a queue while the test publishes 10,000 messages with {@code message_id}s; the hub is
 * killed with SIGKILL once a seeded random number of them is published, and restarted on the same
 * data directory. The broker requeues what the dead hub had not acknowledged, in its place (one
 * consumer, a classic queue), so the log must hold every message once, in publish order, and a
 * subscriber replaying from {@code earliest} sees exactly that. Skipped without a RabbitMQ on
 * 127.0.0.1:5672 unless {@code HERALD_REQUIRE_SERVICES=1}.
 */
class RabbitMqSourceCrashIT {
  private static final String SECRET = "rabbitmq-crash-test-secret-long-enough";
  private static final String TOPIC = "https://example.com/crash";
  private static final int MESSAGES = 10_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void everyMessageOnceInQueueOrderAfterKillMinus9() throws Exception {
    long seed = Long.getLong("herald.crash.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    int killAfter = 1_000 + random.nextInt(MESSAGES - 2_000);
    System.out.println("RabbitMqSourceCrashIT seed=" + seed + " (-Dherald.crash.seed=" + seed
        + " repeats it): kill after " + killAfter + " published");
    Connection connection = connect();
    Channel channel = connection.createChannel();
    String queue = "herald-crash-" + Long.toHexString(seed);
    channel.queueDeclare(queue, true, false, false, null);
    channel.confirmSelect();
    Path dataDir = Files.createTempDirectory("herald-rabbitmq-crash");
    String source = "amqp://guest:guest@127.0.0.1:5672/?queue=" + queue + "&topic=" + TOPIC;
    String[] options = {"--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "sqlite",
        "--data-dir", dataDir.toString(), "--source", source};
    HubProcess first = HubProcess.serve(options);
    HubProcess second = null;
    try {
      for (int n = 0; n < MESSAGES; n++) {
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId(id(n)).deliveryMode(2).build(),
            ("data " + n).getBytes(StandardCharsets.UTF_8));
        if (n % 1000 == 999) {
          channel.waitForConfirmsOrDie(30_000); // faster than the hub: it has a backlog and a full prefetch
        }
        if (n + 1 == killAfter) {
          channel.waitForConfirmsOrDie(30_000);
          long ready = channel.queueDeclarePassive(queue).getMessageCount();
          first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no ack, no clean close
          assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
          System.out.println("killed the hub with " + killAfter + " published and " + ready
              + " ready in the queue (the rest delivered to it, acknowledged or not)");
        }
      }
      channel.waitForConfirmsOrDie(30_000);
      second = HubProcess.serve(options);

      List<SseEvent> replayed = replay(second.endpoint);
      List<String> expectedIds = new ArrayList<>();
      List<String> expectedData = new ArrayList<>();
      for (int n = 0; n < MESSAGES; n++) {
        expectedIds.add(id(n));
        expectedData.add("data " + n);
      }
      List<String> ids = replayed.stream().map(SseEvent::id).toList();
      assertThat(ids.size()).as("every message, once").isEqualTo(MESSAGES);
      assertThat(ids).as("in the queue's order").isEqualTo(expectedIds);
      assertThat(replayed.stream().map(SseEvent::data).toList()).isEqualTo(expectedData);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (channel.queueDeclarePassive(queue).getMessageCount() > 0) {
        assertThat(System.nanoTime()).as("the queue drains").isLessThan(deadline);
        Thread.sleep(50);
      }
      System.out.println("after the restart: " + metrics(second.endpoint));
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
      channel.queueDelete(queue);
      connection.abort(2_000);
    }
  }

  private static String id(int n) {
    return String.format("m-%05d", n);
  }

  /** Replays from earliest until all messages came (or 60 s passed), then 2 s more for any extra. */
  private static List<SseEvent> replay(String endpoint) throws Exception {
    List<SseEvent> events = new ArrayList<>();
    String token = Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1), Instant.now());
    try (EventIterator iterator = EventSource.builder(URI.create(endpoint + "?topic=" + TOPIC))
        .header("Authorization", "Bearer " + token).lastEventId("earliest").iterator()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (events.size() < MESSAGES && System.nanoTime() < deadline) {
        SseEvent event = iterator.poll(Duration.ofSeconds(5));
        if (event != null) {
          events.add(event);
        }
      }
      for (SseEvent extra = iterator.poll(Duration.ofSeconds(2)); extra != null;
          extra = iterator.poll(Duration.ofSeconds(2))) {
        events.add(extra);
      }
    }
    return events;
  }

  private static String metrics(String endpoint) throws Exception {
    String base = endpoint.substring(0, endpoint.indexOf("/.well-known/"));
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body().lines().filter(line -> line.startsWith("herald_source_messages_total"))
        .collect(Collectors.joining("; "));
  }

  private static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    try {
      return factory.newConnection("herald crash test");
    } catch (java.io.IOException e) {
      String message = "no RabbitMQ on 127.0.0.1:5672 (guest/guest): " + e;
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
      return null;
    }
  }
}
