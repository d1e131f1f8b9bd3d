package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.auth.Tokens;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium against {@code herald serve} from the jar: live figures
 * behind a token, the debugger's publish and subscribe, and the browser's own reconnection with
 * Last-Event-ID after the hub is killed. Screenshots land in {@code target/screenshots/}.
 */
class DashboardIT {
  private static final String SECRET = "dashboard-test-secret-long-enough!!!";
  private static final String TOPIC = "https://example.com/dashboard";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private HubProcess hub;

  @AfterEach
  void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
  }

  private static String token(List<String> publish, List<String> subscribe) {
    return Tokens.hmac(SECRET, publish, subscribe, Duration.ofHours(1), Instant.now());
  }

  private static String base(String endpoint) {
    return endpoint.substring(0, endpoint.indexOf("/.well-known/"));
  }

  @Test
  void liveFiguresAndTheDebuggerWorkInABrowser() throws Exception {
    Chromium.require();
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--anonymous", "--heartbeat", "2s");
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(base(hub.endpoint) + "/");
      // A configured secret makes this a production hub: the figures need a token.
      page.waitFor("!document.getElementById('stats-auth').hidden", BrowserPage.DEFAULT_WAIT);
      page.screenshot(SCREENSHOTS.resolve("dashboard-token-prompt.png"), 1280);
      page.type("#stats-token", token(List.of(), List.of("herald:stats")));
      page.click("#stats-connect");
      page.waitFor("document.getElementById('stats-auth').hidden", BrowserPage.DEFAULT_WAIT);
      page.waitFor("/^\\d+$/.test(document.getElementById('stat-subscribers').textContent.trim())",
          BrowserPage.DEFAULT_WAIT);

      page.type("#sub-topics", TOPIC);
      page.click("#sub-start");
      page.waitFor("document.getElementById('sub-state').textContent.trim() === 'open'", BrowserPage.DEFAULT_WAIT);
      page.type("#pub-topics", TOPIC);
      page.type("#pub-data", "{\"hello\":\"dashboard\"}");
      page.type("#pub-token", token(List.of("*"), List.of()));
      page.click("#pub-send");
      page.waitFor("/^[0-9A-Z]{26}$/.test(document.getElementById('pub-result').textContent.trim())",
          BrowserPage.DEFAULT_WAIT);
      String id = page.evaluate("document.getElementById('pub-result').textContent.trim()");
      page.waitFor("document.querySelector('#updates .update-id') !== null", BrowserPage.DEFAULT_WAIT);

      assertThat(page.evaluate("document.querySelector('#updates .update-id').textContent")).isEqualTo(id);
      assertThat(page.evaluate("document.querySelector('#updates .update-data').textContent"))
          .contains("\"hello\": \"dashboard\"");
      page.waitFor("document.getElementById('stat-published').textContent.trim() === '1'", BrowserPage.DEFAULT_WAIT);
      assertThat(page.console().exceptions()).isEmpty();
      assertThat(page.console().lines()).as("the hub's Content-Security-Policy blocks nothing the page needs")
          .noneMatch(line -> line.contains("Content Security Policy"));
      page.screenshot(SCREENSHOTS.resolve("dashboard-live-1280.png"), 1280);
      page.screenshot(SCREENSHOTS.resolve("dashboard-live-390.png"), 390);
    }
  }

  @Test
  void theDashboardListsActiveSubscriptionsPerTopicWhenTheHubTracksThem() throws Exception {
    Chromium.require();
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--anonymous", "--subscriptions");
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(base(hub.endpoint) + "/");
      page.waitFor("!document.getElementById('stats-auth').hidden", BrowserPage.DEFAULT_WAIT);
      page.type("#stats-token", token(List.of(), List.of("herald:stats")));
      page.click("#stats-connect");
      page.type("#sub-topics", TOPIC);
      page.click("#sub-start"); // the page's own subscription is one of them
      page.waitFor("!document.getElementById('subscriptions-card').hidden"
          + " && document.getElementById('stat-subscriptions-total').textContent.trim() === '1'",
          BrowserPage.DEFAULT_WAIT);
      assertThat(page.evaluate("document.querySelector('#stat-subscriptions-by-topic dt').textContent"))
          .isEqualTo(TOPIC);
      assertThat(page.evaluate("document.querySelector('#stat-subscriptions-by-topic dd').textContent"))
          .isEqualTo("1");
      assertThat(page.console().exceptions()).isEmpty();
      page.screenshot(SCREENSHOTS.resolve("dashboard-subscriptions.png"), 1280);
    }
  }

  @Test
  void theBrowserResumesWithLastEventIdAfterTheHubIsKilled() throws Exception {
    Chromium.require();
    Path data = Files.createTempDirectory("herald-dashboard");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String[] options = {"--listen", "127.0.0.1:" + port, "--data-dir", data.toString(), "--jwt-secret", SECRET,
        "--anonymous", "--heartbeat", "2s"};
    hub = HubProcess.serve(options);
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(base(hub.endpoint) + "/");
      page.type("#sub-topics", TOPIC);
      page.click("#sub-start");
      page.waitFor("document.getElementById('sub-state').textContent.trim() === 'open'", BrowserPage.DEFAULT_WAIT);
      // retry=8000: the browser waits 8 s before reconnecting, so the next two are published while it is away.
      String first = publish(hub.endpoint, "before", "8000");
      page.waitFor("document.querySelectorAll('#updates .update').length === 1", BrowserPage.DEFAULT_WAIT);

      hub.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      hub = HubProcess.serve(options);
      String second = publish(hub.endpoint, "while away 1", null);
      String third = publish(hub.endpoint, "while away 2", null);
      page.waitFor("document.querySelectorAll('#updates .update').length === 3", Duration.ofSeconds(30));
      page.waitFor("document.getElementById('sub-state').textContent.trim() === 'open'", BrowserPage.DEFAULT_WAIT);

      assertThat(page.evaluate("[...document.querySelectorAll('#updates .update-id')].map(e => e.textContent).join(',')"))
          .as("newest first, each once").isEqualTo(third + "," + second + "," + first);
      assertThat(page.evaluate("document.getElementById('sub-resume').textContent")).contains(first);
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base(hub.endpoint) + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(sample(metrics, "herald_replays_total")).as("the browser came back with a cursor").isEqualTo(1);
      assertThat(sample(metrics, "herald_replay_resets_total")).as("and the hub knew it").isZero();
      page.screenshot(SCREENSHOTS.resolve("dashboard-resumed.png"), 1280);
    }
  }

  private static String publish(String endpoint, String data, String retry) throws Exception {
    String body = "topic=" + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8) + "&data="
        + URLEncoder.encode(data, StandardCharsets.UTF_8) + (retry == null ? "" : "&retry=" + retry);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
        .header("Authorization", "Bearer " + token(List.of("*"), List.of()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static double sample(String text, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertThat(matcher.find()).as("a sample %s", series).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
