package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.testsupport.RedisServerProcess;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.HubPublisher;
import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded hub with a Redis store (herald-redis), under the Lettuce version the application's
 * dependency management chooses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RedisStoreTest {
  static final RedisServerProcess REDIS = start();

  @Autowired
  Hub hub;

  @Autowired
  HubPublisher publisher;

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
  void updatesGoThroughTheRedisLog() {
    String id = publisher.publish("https://example.com/orders/9", "{\"status\":\"packed\"}");
    try (EventIterator events = EventSource.builder(URI.create(hub.url() + "?topic=https://example.com/orders/9"))
        .lastEventId("earliest").iterator()) {
      SseEvent event = events.poll(Duration.ofSeconds(10));
      assertThat(event).isNotNull();
      assertThat(event.id()).isEqualTo(id);
    }
    assertThat(hub.health().storeDetail()).isEqualTo("writable");
  }

  private static RedisServerProcess start() {
    try {
      return RedisServerProcess.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
