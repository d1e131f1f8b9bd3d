package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import dev.herald.client.HubPublisher;

/** The application publishes to a hub running elsewhere (herald.hub.url), as with `herald serve`. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RemoteHubTest {
  static final String SECRET = "a-secret-of-at-least-32-bytes-for-hs256!";
  static final Hub HUB = startHub();

  @LocalServerPort
  int port;

  @Autowired
  HubPublisher publisher;

  @DynamicPropertySource
  static void hub(DynamicPropertyRegistry properties) {
    properties.add("herald.hub.url", HUB::url);
    properties.add("herald.hub.jwt-secret", () -> SECRET);
  }

  @AfterAll
  static void stopHub() {
    HUB.close();
  }

  @Test
  void aControllerPublishesAndASubscriberOfTheHubReceives() throws Exception {
    try (EventIterator events = EventSource.builder(
        URI.create(HUB.url() + "?topic=https://example.com/orders/42")).lastEventId("earliest").iterator()) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/orders/42"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"paid\"}"))
          .header("Content-Type", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);

      SseEvent event = events.poll(Duration.ofSeconds(10));
      assertThat(event).isNotNull();
      assertThat(event.data()).isEqualTo("{\"status\":\"paid\"}");
      assertThat(event.id()).isEqualTo(response.body());
    }
  }

  @Test
  void thePublisherBeanIsTheRemoteHubs() {
    assertThat(publisher).isNotNull();
  }

  private static Hub startHub() {
    try {
      return Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
          .ui(false).start();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
