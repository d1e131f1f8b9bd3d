package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DevTools harness ({@link BrowserPage}) against a real headless Chromium, and the dashboard's
 * static files rendered in it. Pages come from a JDK HttpServer; everything it does not serve is a
 * plain 404, stats stream and hub included, so the dashboard is seen as on a hub without them.
 */
class BrowserHarnessIT {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final String UI = "/dev/herald/hub/ui/";
  private static final String TEST_PAGE = "<!doctype html><meta charset=utf-8><title>harness</title>"
      + "<label for=name>Name</label> <input id=name> <textarea id=notes aria-label=notes></textarea>"
      + "<button id=send onclick=\"document.getElementById('out').textContent ="
      + " 'hello ' + document.getElementById('name').value\">Send</button>"
      + "<p id=out></p><p id=inputs>0</p>"
      + "<script>document.getElementById('name').addEventListener('input', () =>"
      + " document.getElementById('inputs').textContent++); console.log('page ready');</script>";

  private static HttpServer server;
  private static String base;
  private BrowserPage page;

  @BeforeAll
  static void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", BrowserHarnessIT::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @BeforeEach
  void openBrowser() throws Exception {
    page = BrowserPage.open();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (page != null) {
      page.close();
    }
  }

  @Test
  void drivesAPage() throws Exception {
    page.navigate(base + "/test.html");

    assertThat(page.evaluate("document.title")).isEqualTo("harness");
    assertThat(page.evaluate("1 + 2")).isEqualTo("3");
    assertThat(page.evaluate("({a: [1, 'x']})")).isEqualTo("{\"a\":[1,\"x\"]}");
    assertThat(page.evaluate("new Promise(r => setTimeout(() => r('later'), 50))")).isEqualTo("later");
    assertThat(page.evaluate("undefined")).isNull();
    assertThatThrownBy(() -> page.evaluate("nope.nope")).hasMessageContaining("ReferenceError")
        .hasMessageContaining("page ready");

    page.type("#name", "Ada");
    page.type("#notes", "two\nlines");
    page.click("#send");
    page.waitFor("document.getElementById('out').textContent === 'hello Ada'", Duration.ofSeconds(5));
    assertThat(page.evaluate("document.getElementById('inputs').textContent")).isNotEqualTo("0");
    assertThat(page.evaluate("document.getElementById('notes').value")).isEqualTo("two\nlines");
    page.type("#name", "");
    assertThat(page.evaluate("document.getElementById('name').value")).isEmpty();

    assertThatThrownBy(() -> page.waitFor("false", Duration.ofMillis(200)))
        .hasMessageContaining("still false").hasMessageContaining("console.log: page ready");
    assertThatThrownBy(() -> page.click("#missing")).hasMessageContaining("no element matches #missing");

    Path shot = SCREENSHOTS.resolve("harness.png");
    page.screenshot(shot);
    assertPng(shot);
    assertThat(page.console().exceptions()).isEmpty();
  }

  @Test
  void dashboardRendersWithoutAHubBehindIt() throws Exception {
    page.navigate(base + "/");

    assertThat(page.evaluate("document.title")).isEqualTo("Herald hub");
    // The stats endpoint answers 404: the page finds out why the stream closed and says so.
    page.waitFor("document.getElementById('stats-state').textContent.includes('HTTP 404')", Duration.ofSeconds(10));
    assertThat(page.evaluate("document.getElementById('stats-auth').hidden")).isEqualTo("true");
    assertThat(page.evaluate("document.getElementById('stat-subscribers').textContent")).isEqualTo("\u2014");
    for (String id : new String[] {"stat-subscribers", "stat-publish-rate", "stat-delivery-rate", "stats-state",
        "sub-topics", "sub-types", "sub-token", "sub-last-event-id", "sub-start", "sub-state", "sub-resume",
        "updates", "pub-topics", "pub-data", "pub-id", "pub-type", "pub-private", "pub-token", "pub-send",
        "pub-result", "chart-publish-rate", "chart-delivery-rate", "chart-subscribers"}) {
      assertThat(page.evaluate("!!document.getElementById('" + id + "')")).as("#%s exists", id).isEqualTo("true");
    }
    assertThat(page.evaluate("[...document.querySelectorAll('input, textarea, select')]"
        + ".filter(el => el.labels.length === 0 && !el.getAttribute('aria-label')).map(el => el.id)"))
        .as("inputs without a label").isEqualTo("[]");

    // Publishing to a server without a hub shows the status and body it got back.
    page.type("#pub-topics", "https://example.com/books/1");
    page.type("#pub-data", "{\"title\":\"Dune\"}");
    page.click("#pub-send");
    page.waitFor("document.getElementById('pub-result').dataset.ok === 'false'", Duration.ofSeconds(5));
    assertThat(page.evaluate("document.getElementById('pub-result').textContent")).startsWith("404 ");

    // Subscribing too: the EventSource is refused and the state says so.
    page.click("#sub-start");
    page.waitFor("document.getElementById('sub-state').textContent.startsWith('closed: refused')", Duration.ofSeconds(5));

    for (int width : new int[] {1280, 390}) {
      for (String scheme : new String[] {"light", "dark"}) {
        page.colorScheme(scheme);
        Path shot = SCREENSHOTS.resolve("dashboard-" + width + "-" + scheme + ".png");
        page.screenshot(shot, width);
        assertPng(shot);
      }
      assertThat(page.evaluate("document.documentElement.scrollWidth <= innerWidth"))
          .as("no horizontal scrolling at %d px", width).isEqualTo("true");
    }
    assertThat(page.console().exceptions()).as("%s", page.console()).isEmpty();
  }

  private static void assertPng(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, PNG.length)).as("PNG signature of %s", file).isEqualTo(PNG);
    assertThat(bytes.length).as("size of %s", file).isGreaterThan(2_000);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Map<String, String> routes = Map.of("/", "index.html", "/ui/app.css", "app.css", "/ui/app.js", "app.js");
    byte[] body;
    String type;
    int status = 200;
    if (path.equals("/test.html")) {
      body = TEST_PAGE.getBytes(StandardCharsets.UTF_8);
      type = "text/html; charset=utf-8";
    } else if (routes.containsKey(path)) {
      String file = routes.get(path);
      try (InputStream in = BrowserHarnessIT.class.getResourceAsStream(UI + file)) {
        assertThat(in).as("classpath resource %s%s", UI, file).isNotNull();
        body = in.readAllBytes();
      }
      type = file.endsWith(".css") ? "text/css; charset=utf-8"
          : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8";
    } else {
      status = 404;
      body = "not_found: no such resource".getBytes(StandardCharsets.UTF_8);
      type = "text/plain; charset=utf-8";
    }
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
