package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.example.testsupport.Chromium;
import dev.herald.hub.Hub;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub runs inside the application (herald.embedded.*): a page served by the application
 * subscribes from Chromium, a controller publishes, the page receives; Actuator reports the hub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class EmbeddedHubTest {
  static final int APP_PORT = freePort();

  @Autowired
  Hub hub;

  @DynamicPropertySource
  static void embedded(DynamicPropertyRegistry properties) {
    properties.add("server.port", () -> APP_PORT);
    properties.add("herald.embedded.enabled", () -> "true");
    properties.add("herald.embedded.listen", () -> "127.0.0.1:0");
    properties.add("herald.embedded.jwt-secret", () -> "a-secret-of-at-least-32-bytes-for-hs256!");
    properties.add("herald.embedded.anonymous", () -> "true");
    properties.add("herald.embedded.cors-origins", () -> "http://127.0.0.1:" + APP_PORT);
  }

  @Test
  void aPageOfTheApplicationReceivesWhatAControllerPublishes() throws Exception {
    String page = "http://127.0.0.1:" + APP_PORT + "/index.html?hub="
        + URLEncoder.encode(hub.url(), StandardCharsets.UTF_8);
    try (Chromium browser = Chromium.open(page)) {
      assertThat(Seen.REPORTS.poll(30, TimeUnit.SECONDS)).as("the page's EventSource opened").isEqualTo("open");
      String id = post("/orders/7", "{\"status\":\"shipped\"}").body();
      assertThat(Seen.REPORTS.poll(30, TimeUnit.SECONDS)).isEqualTo(id + " {\"status\":\"shipped\"}");
    }
  }

  @Test
  void actuatorReportsTheHubUp() throws Exception {
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + APP_PORT + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.status")).isEqualTo("UP");
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.details.store")).isEqualTo("writable");
    assertThat(JsonPath.<String>read(health.body(), "$.components.herald.details.url")).isEqualTo(hub.url());
  }

  private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + APP_PORT + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/plain").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
