package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network partition between one hub node and Redis (silence, no reset: {@link TcpProxy}), while
 * another node keeps its link: the cut-off node refuses publishes (503, never a hang), keeps its
 * subscribers connected, and when the link heals they get every update the other node took
 * meanwhile, in order, once.
 */
class PartitionTest {
  private static final String SECRET = "partition-test-secret-long-enough!!!";
  private static final String TOPIC = "https://example.com/partition";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisServer redis;
  private TcpProxy link;
  private Hub cutOff;
  private Hub connected;
  private final List<EventIterator> subscribers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    link = TcpProxy.to(redis.port());
    RedisLogSettings direct = new RedisLogSettings(redis.uri(), "partition", 0, Duration.ZERO, Duration.ofSeconds(1));
    RedisLogSettings throughLink = new RedisLogSettings(URI.create("redis://127.0.0.1:" + link.port()), "partition",
        0, Duration.ZERO, Duration.ofSeconds(1));
    cutOff = hub(throughLink);
    connected = hub(direct);
  }

  private static Hub hub(RedisLogSettings settings) throws InterruptedException {
    return Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
        .heartbeat(Duration.ofMillis(500)).eventLog(RedisEventLog.open(settings, new IdGenerator())).start();
  }

  @AfterEach
  void stop() throws Exception {
    subscribers.forEach(EventIterator::close);
    link.heal();
    cutOff.close();
    connected.close();
    link.close();
    redis.close();
  }

  private EventIterator subscribe(Hub hub) throws InterruptedException {
    EventIterator events = HubCalls.awaitOpen(
        EventSource.builder(URI.create(HubCalls.endpoint(hub) + "?topic=" + TOPIC)).iterator());
    subscribers.add(events);
    return events;
  }

  private static HttpResponse<String> publish(Hub hub, String data) throws Exception {
    return HubCalls.publish(hub, SECRET, TOPIC, data, Duration.ofSeconds(15));
  }

  private static String publishOk(Hub hub, String data) throws Exception {
    return HubCalls.publishOk(hub, SECRET, TOPIC, data, Duration.ofSeconds(15));
  }

  private static List<String> receive(EventIterator events, int count) throws InterruptedException {
    return HubCalls.receive(events, count, Duration.ofSeconds(30));
  }

  /** Events up to and including the one with id {@code last}. */
  private static List<SseEvent> receiveUntil(EventIterator events, String last) throws InterruptedException {
    List<SseEvent> received = new ArrayList<>();
    while (received.isEmpty() || !received.get(received.size() - 1).id().equals(last)) {
      SseEvent event = events.poll(Duration.ofSeconds(30));
      assertThat(event).as("an event up to %s, after %s", last, received).isNotNull();
      received.add(event);
    }
    return received;
  }

  @Test
  void theCutOffNodeRefusesPublishesKeepsItsSubscribersAndCatchesUpWhenTheLinkHeals() throws Exception {
    EventIterator onCutOff = subscribe(cutOff);
    EventIterator onConnected = subscribe(connected);
    List<String> published = new ArrayList<>(List.of(publishOk(connected, "before")));
    assertThat(receive(onCutOff, 1)).isEqualTo(published);
    assertThat(receive(onConnected, 1)).isEqualTo(published);

    link.partition();
    long cut = System.nanoTime();
    HttpResponse<String> refused = publish(cutOff, "refused");
    long refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    for (int i = 0; i < 5; i++) {
      published.add(publishOk(connected, "during " + i));
    }
    assertThat(receive(onConnected, 5)).isEqualTo(published.subList(1, 6));

    link.heal();
    long healed = System.nanoTime();
    assertThat(receive(onCutOff, 5)).as("what the other node took meanwhile, in order, once")
        .isEqualTo(published.subList(1, 6));
    long caughtUp = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
    String after;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      HttpResponse<String> response = publish(cutOff, "after");
      if (response.statusCode() == 200) {
        after = response.body();
        break;
      }
      assertThat(System.nanoTime()).as("the healed node takes publishes again").isLessThan(deadline);
      Thread.sleep(50);
    }
    // The refused publish's command was on its way when the link went silent: Redis may run it once
    // the link heals (a 503 says "not confirmed", not "not stored"; publish with an id to retry
    // safely). If it does, both nodes deliver it, at the same place, once.
    List<SseEvent> restOnCutOff = receiveUntil(onCutOff, after);
    List<SseEvent> restOnConnected = receiveUntil(onConnected, after);
    assertThat(restOnCutOff).extracting(SseEvent::id).isEqualTo(restOnConnected.stream().map(SseEvent::id).toList());
    assertThat(restOnCutOff.subList(0, restOnCutOff.size() - 1)).extracting(SseEvent::data)
        .allMatch(data -> data.equals("refused")).hasSizeLessThanOrEqualTo(1);
    assertThat(onCutOff.readyState()).isEqualTo(ReadyState.OPEN);
    System.out.printf("PartitionTest: a publish to the cut-off node refused after %d ms; its subscriber caught up"
        + " %d ms after the link healed%n", refusedAfter, caughtUp);
  }
}
