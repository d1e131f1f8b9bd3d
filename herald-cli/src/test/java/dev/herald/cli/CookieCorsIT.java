package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.hub.auth.Tokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cookie authorization across origins in a real browser: a page on another origin sets the
 * {@code mercureAuthorization} cookie and opens {@code new EventSource(hub, {withCredentials: true})};
 * the hub, with that origin on its CORS allowlist, accepts the cookie's token and delivers a private
 * update, while an EventSource without credentials is refused.
 */
class CookieCorsIT {
  private static final String SECRET = "cookie-cors-test-secret-long-enough!";
  private static final String TOPIC = "https://example.com/cookie";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
  private HttpServer pages;
  private HubProcess hub;

  @BeforeEach
  void start() throws Exception {
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", this::serve);
    pages.start();
    // No --anonymous: without the cookie's token a subscription is refused.
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--cors-origin", origin());
  }

  @AfterEach
  void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
    if (pages != null) {
      pages.stop(0);
    }
  }

  private String origin() {
    return "http://127.0.0.1:" + pages.getAddress().getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestMethod().equals("POST")) {
        reports.add(exchange.getRequestURI().getPath() + " "
            + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      String token = Tokens.hmac(SECRET, List.of(), List.of(TOPIC), Duration.ofHours(1), Instant.now());
      String hubUrl = hub.endpoint + "?topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8);
      byte[] page = ("<!doctype html><meta charset=utf-8><title>cookie test</title><script>\n"
          + "const report = (path, text) => fetch(path, {method: 'POST', body: text});\n"
          // Cookies belong to a host, not a port: the hub on 127.0.0.1 receives this one.
          + "document.cookie = 'mercureAuthorization=" + token + "; path=/; SameSite=Lax';\n"
          + "const withCookie = new EventSource('" + hubUrl + "', {withCredentials: true});\n"
          + "withCookie.onopen = () => report('/open', 'with cookie');\n"
          + "withCookie.onmessage = e => { report('/message', e.data); withCookie.close(); };\n"
          + "const without = new EventSource('" + hubUrl + "');\n"
          + "without.onerror = () => { if (without.readyState === EventSource.CLOSED) report('/refused', 'without'); };\n"
          + "</script>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
    }
  }

  @Test
  void aCrossOriginEventSourceWithCredentialsIsAuthorizedByTheCookie() throws Exception {
    Chromium.require();
    try (Chromium browser = Chromium.open(origin() + "/")) {
      List<String> early = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String report = reports.poll(60, TimeUnit.SECONDS);
        assertThat(report).as("browser log:%n%s", browser.logTail()).isNotNull();
        early.add(report);
      }
      assertThat(early).containsExactlyInAnyOrder("/open with cookie", "/refused without");

      String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
      HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(URI.create(hub.endpoint))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
              + "&private=on&data=for+cookie+holders")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).isEqualTo(200);

      assertThat(reports.poll(30, TimeUnit.SECONDS)).as("browser log:%n%s", browser.logTail())
          .isEqualTo("/message for cookie holders");
    }
  }
}
