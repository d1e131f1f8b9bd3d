package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.hub.auth.Tokens;
import dev.herald.server.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code herald serve --tls-cert --tls-key} as a separate process: curl speaks HTTP/2 to it, and a
 * real headless Chromium opens twenty EventSources on one page, which only HTTP/2 allows (HTTP/1.1
 * browsers open at most six connections per host).
 */
class TlsServeIT {
  private static final String SECRET = "integration-test-secret-long-enough!";
  private static final String TOPIC = "https://example.com/browser";
  private static final HttpClient HTTPS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
      .sslContext(TestCertificates.trustingClientContext()).connectTimeout(Duration.ofSeconds(10)).build();
  private static HttpServer pages;
  private static HubProcess hub;
  private static final BlockingQueue<String> reports = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", TlsServeIT::servePage);
    pages.start();
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--anonymous", "--tls-cert", TestCertificates.certificate().toString(),
        "--tls-key", TestCertificates.privateKey().toString(),
        "--cors-origin", "http://127.0.0.1:" + pages.getAddress().getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
    if (pages != null) {
      pages.stop(0);
    }
  }

  /** GET serves the test page; POST /ready, /result and /error are the page reporting back. */
  private static void servePage(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestMethod().equals("POST")) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        reports.add(exchange.getRequestURI().getPath() + " " + body);
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      byte[] page;
      try (InputStream in = TlsServeIT.class.getResourceAsStream("streams.html")) {
        page = in.readAllBytes();
      }
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
    }
  }

  private static String publish(String... form) throws Exception {
    StringJoiner body = new StringJoiner("&");
    for (int i = 0; i < form.length; i += 2) {
      body.add(form[i] + "=" + URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
    }
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    HttpResponse<String> response = HTTPS.send(HttpRequest.newBuilder(URI.create(hub.endpoint))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    return response.body();
  }

  @Test
  void curlSubscribesOverHttp2AndTls() throws Exception {
    assertThat(hub.endpoint).startsWith("https://");
    Process curl = new ProcessBuilder("curl", "-sS", "-N", "--http2", "--cacert",
        TestCertificates.certificate().toString(), "-D", "-", "--max-time", "30",
        hub.endpoint + "?topic=" + URLEncoder.encode("https://example.com/curl", StandardCharsets.UTF_8))
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      readUntil(out, lines, line -> line.startsWith(":")); // the stream's opening comment: subscribed
      String id = publish("topic", "https://example.com/curl", "data", "over h2 and tls");
      readUntil(out, lines, line -> line.equals("data: over h2 and tls"));

      assertThat(lines.get(0)).startsWith("HTTP/2 200");
      assertThat(lines).contains("id: " + id);
    } finally {
      curl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void readUntil(BufferedReader in, List<String> lines, java.util.function.Predicate<String> last)
      throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      lines.add(line);
      if (last.test(line)) {
        return;
      }
    }
    throw new AssertionError("curl's output ended early: " + lines);
  }

  @Test
  void chromiumReceivesOnTwentyEventSourcesOverHttp2() throws Exception {
    Chromium.require();
    int streams = 20;
    String page = "http://127.0.0.1:" + pages.getAddress().getPort() + "/streams.html?streams=" + streams
        + "&expect=3&hub=" + URLEncoder.encode(hub.endpoint, StandardCharsets.UTF_8)
        + "&topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8);
    reports.clear();
    // The hub's certificate is self-signed: the test tells this browser to accept it.
    try (Chromium browser = Chromium.open(page, "--ignore-certificate-errors")) {
      String ready = reports.poll(60, TimeUnit.SECONDS);
      assertThat(ready).as("all %d EventSources opened; browser log:%n%s", streams, browser.logTail())
          .isEqualTo("/ready " + streams);
      String first = publish("topic", TOPIC, "data", "hello");
      String second = publish("topic", TOPIC, "type", "greeting", "data", "hi there");
      String third = publish("topic", TOPIC, "data", "line one\nline two");
      String result = reports.poll(60, TimeUnit.SECONDS);

      String perStream = "message|" + first + "|hello\ngreeting|" + second + "|hi there\nmessage|" + third
          + "|line one\nline two";
      assertThat(result).as("browser log:%n%s", browser.logTail())
          .isEqualTo("/result " + String.join("\n--\n", java.util.Collections.nCopies(streams, perStream)));
    }
  }
}
