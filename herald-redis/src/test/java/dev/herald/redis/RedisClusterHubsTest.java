package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.log.IdGenerator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  private EventIterator subscribe(Hub hub, String lastEventId) throws InterruptedException {
    EventSource.Builder builder = EventSource.builder(URI.create(HubCalls.endpoint(hub) + "?topic=" + TOPIC));
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    EventIterator events = HubCalls.awaitOpen(builder.iterator());
    subscribers.add(events);
    return events;
  }

  private static String publishOk(Hub hub, String data) throws Exception {
    return HubCalls.publishOk(hub, SECRET, TOPIC, data, Duration.ofSeconds(10));
  }

  private static List<String> receive(EventIterator events, int count) throws InterruptedException {
    return HubCalls.receive(events, count, Duration.ofSeconds(20));
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
