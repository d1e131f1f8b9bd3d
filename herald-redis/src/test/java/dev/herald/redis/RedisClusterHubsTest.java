package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import dev.herald.log.IdGenerator;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two hubs on a real three-primary Redis Cluster ({@code redis-cluster://}, seed nodes only): what is
 * published through either reaches the subscribers of both, in one order, once; and a subscriber
 * resumes on the other node with its Last-Event-ID.
 */
class RedisClusterHubsTest {
  private static final String SECRET = "redis-cluster-test-secret-long-enough";
  private static final String TOPIC = "https://example.com/redis-cluster";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RedisClusterGroup cluster;
  private final List<Hub> hubs = new ArrayList<>();
  private final List<EventIterator> subscribers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cluster = RedisClusterGroup.start();
    RedisLogSettings settings = new RedisLogSettings(cluster.uri(), "hubs", 0, Duration.ZERO, Duration.ofSeconds(2));
    for (int i = 0; i < 2; i++) {
      hubs.add(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .eventLog(RedisEventLog.open(settings, new IdGenerator())).start());
    }
  }

  @AfterEach
  void stop() {
    subscribers.forEach(EventIterator::close);
    hubs.forEach(Hub::close);
    cluster.close();
  }

  private static URI endpoint(Hub hub) {
    return URI.create("http://127.0.0.1:" + hub.address().getPort() + Hub.PATH);
  }

  private EventIterator subscribe(Hub hub, String lastEventId) throws InterruptedException {
    EventSource.Builder builder = EventSource.builder(URI.create(endpoint(hub) + "?topic=" + TOPIC));
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    EventIterator events = builder.iterator();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.readyState() != ReadyState.OPEN) {
      assertThat(System.nanoTime()).as("the subscription opened").isLessThan(deadline);
      Thread.sleep(5);
    }
    subscribers.add(events);
    return events;
  }

  private static String publishOk(Hub hub, String data) throws Exception {
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint(hub)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + TOPIC + "&data=" + data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static List<String> receive(EventIterator events, int count) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SseEvent event = events.poll(Duration.ofSeconds(20));
      assertThat(event).as("event %d of %d", i + 1, count).isNotNull();
      ids.add(event.id());
    }
    return ids;
  }

  @Test
  void everySubscriberOfEitherNodeGetsEveryUpdateInOneOrderAndResumesOnTheOther() throws Exception {
    EventIterator first = subscribe(hubs.get(0), null);
    EventIterator second = subscribe(hubs.get(1), null);
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      published.add(publishOk(hubs.get(i % 2), "u" + i));
    }
    assertThat(receive(first, 20)).isEqualTo(published);
    assertThat(receive(second, 20)).isEqualTo(published);

    first.close();
    for (int i = 20; i < 25; i++) {
      published.add(publishOk(hubs.get(1), "u" + i));
    }
    EventIterator resumed = subscribe(hubs.get(1), published.get(19));
    assertThat(receive(resumed, 5)).isEqualTo(published.subList(20, 25));
  }
}
