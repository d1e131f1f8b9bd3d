package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two hubs on a Redis without persistence that restarts empty: their subscribers are ended and
 * reconnect with their Last-Event-ID, learn that history no longer reaches it (the opt-in
 * {@code herald-reset} event), and every update published after the loss reaches every one of them —
 * where before, the connected subscribers never received another update.
 */
class LossRecoveryTest {
  private static final String SECRET = "loss-recovery-secret-long-enough!!!!";
  private static final String TOPIC = "https://example.com/loss";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer redis;
  private final List<Hub> hubs = new ArrayList<>();
  private final List<EventIterator> subscribers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    RedisLogSettings settings = new RedisLogSettings(redis.uri(), "recovery", 0, Duration.ZERO, Duration.ofSeconds(1));
    for (int i = 0; i < 2; i++) {
      hubs.add(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .heartbeat(Duration.ofMillis(500)).cacheSize(1 << 20)
          .eventLog(RedisEventLog.open(settings, new IdGenerator())).start());
    }
  }

  @AfterEach
  void stop() throws Exception {
    subscribers.forEach(EventIterator::close);
    hubs.forEach(Hub::close);
    redis.close();
  }

  private EventIterator subscribe(Hub hub) throws InterruptedException {
    EventIterator events = HubCalls.awaitOpen(EventSource.builder(
        URI.create(HubCalls.endpoint(hub) + "?topic=" + TOPIC + "&herald-reset"))
        .reconnectionTime(Duration.ofMillis(100)).iterator());
    subscribers.add(events);
    return events;
  }

  private HttpResponse<String> publish(Hub hub, String data) throws Exception {
    return HubCalls.publish(hub, SECRET, TOPIC, data, Duration.ofSeconds(10));
  }

  /** Publishes until the hub stores it (Redis may still be coming back); returns the id. */
  private String publishOnceStored(Hub hub, String data) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      HttpResponse<String> response = publish(hub, data);
      if (response.statusCode() == 200) {
        return response.body();
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat(System.nanoTime()).as("the hub stores publishes again").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The next event that is not a heartbeat-free gap: fails after 20 s without one. */
  private static SseEvent next(EventIterator events) throws InterruptedException {
    SseEvent event = events.poll(Duration.ofSeconds(20));
    assertThat(event).as("an event within 20 s").isNotNull();
    return event;
  }

  @Test
  void afterRedisRestartsEmptyEverySubscriberOnEveryNodeIsToldAndGetsWhatIsPublishedAfter() throws Exception {
    List<EventIterator> perNode = List.of(subscribe(hubs.get(0)), subscribe(hubs.get(1)));
    String before = publishOnceStored(hubs.get(0), "before");
    for (EventIterator events : perNode) {
      assertThat(next(events).id()).isEqualTo(before);
    }

    redis.restartWithoutData();
    long restarted = System.nanoTime();

    for (EventIterator events : perNode) {
      SseEvent reset = next(events);
      assertThat(reset.type()).as("reconnected with an id the new log does not know").isEqualTo("herald-reset");
      assertThat(reset.data()).contains(before);
    }
    System.out.printf("LossRecoveryTest: every subscriber told %d ms after Redis answered again%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
    String after = publishOnceStored(hubs.get(1), "after");
    for (EventIterator events : perNode) {
      SseEvent event = next(events);
      while (!event.id().equals(after)) { // updates stored before the loss was noticed come first, once
        assertThat(event.data()).isNotEqualTo("before");
        event = next(events);
      }
      assertThat(event.data()).isEqualTo("after");
    }
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubs.get(0).address().getPort()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("herald_store_losses_total 1.0");
    String ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubs.get(0).address().getPort()
        + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(ready).contains("lost the log");
  }
}
