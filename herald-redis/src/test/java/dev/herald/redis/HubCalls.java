package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the tests of hubs on Redis do to a hub over HTTP: publish as a publisher, wait for and read a subscription. */
final class HubCalls {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HubCalls() {}

  static URI endpoint(Hub hub) {
    return URI.create("http://127.0.0.1:" + hub.address().getPort() + Hub.PATH);
  }

  /** Waits (at most 20 s) until {@code events} is open; returns it. */
  static EventIterator awaitOpen(EventIterator events) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.readyState() != ReadyState.OPEN) {
      assertThat(System.nanoTime()).as("the subscription opened").isLessThan(deadline);
      Thread.sleep(5);
    }
    return events;
  }

  /** Publishes {@code data} on {@code topic} with a token signed by {@code secret}; the answer within {@code timeout}. */
  static HttpResponse<String> publish(Hub hub, String secret, String topic, String data, Duration timeout)
      throws Exception {
    String token = Tokens.hmac(secret, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    return HTTP.send(HttpRequest.newBuilder(endpoint(hub)).timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("topic=" + topic + "&data=" + data)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@link #publish}, asserting a 200; returns the update's id. */
  static String publishOk(Hub hub, String secret, String topic, String data, Duration timeout) throws Exception {
    HttpResponse<String> response = publish(hub, secret, topic, data, timeout);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** The ids of the next {@code count} events, each within {@code wait}. */
  static List<String> receive(EventIterator events, int count, Duration wait) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SseEvent event = events.poll(wait);
      assertThat(event).as("event %d of %d", i + 1, count).isNotNull();
      ids.add(event.id());
    }
    return ids;
  }
}
