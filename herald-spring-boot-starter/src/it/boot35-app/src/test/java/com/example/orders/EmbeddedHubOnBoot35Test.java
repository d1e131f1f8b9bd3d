package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.testsupport.RedisServerProcess;
import com.jayway.jsonpath.JsonPath;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
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

/**
 * Spring Boot 3.5 with <netty.version> set to 4.2: the embedded hub serves with a Redis store (under
 * the Lettuce version Boot 3.5 manages), and Actuator reports it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedHubOnBoot35Test {
  static final RedisServerProcess REDIS = startRedis();

  @LocalServerPort
  int port;

  @Autowired
  Hub hub;

  @DynamicPropertySource
  static void embedded(DynamicPropertyRegistry properties) {
    properties.add("herald.embedded.enabled", () -> "true");
    properties.add("herald.embedded.listen", () -> "127.0.0.1:0");
    properties.add("herald.embedded.jwt-secret", () -> "a-secret-of-at-least-32-bytes-for-hs256!");
    properties.add("herald.embedded.anonymous", () -> "true");
    properties.add("herald.embedded.store", () -> "redis://127.0.0.1:" + REDIS.port);
  }

  @AfterAll
  static void stopRedis() throws InterruptedException {
    REDIS.close();
  }

  @Test
  void aControllerPublishesToTheEmbeddedHubAndASubscriberReceives() throws Exception {
    try (EventIterator events = EventSource.builder(URI.create(hub.url() + "?topic=https://example.com/orders/3"))
        .lastEventId("earliest").iterator()) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/3"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"new\"}")).header("Content-Type", "text/plain"));
      assertThat(response.statusCode()).isEqualTo(200);
      SseEvent event = events.poll(Duration.ofSeconds(10));
      assertThat(event).isNotNull();
      assertThat(event.id()).isEqualTo(response.body());
      assertThat(event.data()).isEqualTo("{\"status\":\"new\"}");
    }
  }

  @Test
  void actuatorReportsTheHubUp() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.status")).isEqualTo("UP");
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.details.url")).isEqualTo(hub.url());
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.details.store")).isEqualTo("writable");
  }

  private static RedisServerProcess startRedis() {
    try {
      return RedisServerProcess.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
