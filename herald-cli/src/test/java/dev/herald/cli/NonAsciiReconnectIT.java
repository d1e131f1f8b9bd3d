package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.hub.Hub;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's {@code EventSource} that received non-ASCII (and long) ids reconnects with them and
 * gets exactly the updates it missed: Chromium sends {@code Last-Event-ID} as UTF-8. The hub closes
 * each stream itself when the subscriber's token expires (the cookie's {@code exp}); before the
 * browser reconnects, the test publishes updates it misses and gives the page a fresh cookie, as an
 * application that renews its token would. Ids are random (seeded: {@code -Dherald.seed=N} replays a
 * run), from ASCII, Latin-1, other scripts and characters beyond the BMP.
 */
class NonAsciiReconnectIT {
  private static final String SECRET = "non-ascii-reconnect-secret-long-enough!";
  private static final String TOPIC = "https://example.com/ids";
  private static final long SEED = Long.getLong("herald.seed", 0x1D5EEDL);
  private static final int ROUNDS = 3;
  /** The browser's reconnection time, set by every update's {@code retry}. */
  private static final int RETRY_MILLIS = 1500;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpServer pages;
  private Hub hub;

  @BeforeEach
  void start() throws Exception {
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", NonAsciiReconnectIT::serve);
    pages.start();
    // No anonymous subscribers: the cookie's token authorizes each connection, and its exp ends it.
    hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET)
        .corsOrigins(List.of(origin())).jwtClockSkew(Duration.ZERO).start();
  }

  @AfterEach
  void stop() {
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

  private static void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] page = ("<!doctype html><meta charset=utf-8><title>reconnect</title><script>\n"
          + "window.received = []; window.opens = 0; window.errors = 0;\n"
          + "window.listen = url => {\n"
          + "  const source = new EventSource(url, {withCredentials: true});\n"
          + "  source.onopen = () => window.opens++;\n"
          + "  source.onerror = () => window.errors++;\n"
          + "  source.onmessage = e => window.received.push([e.lastEventId, e.data]);\n"
          + "};\n</script>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
    }
  }

  @Test
  void eventSourceReconnectingWithRandomNonAsciiIdsGetsExactlyTheLaterUpdates() throws Exception {
    Chromium.require();
    SplittableRandom random = new SplittableRandom(SEED);
    Set<String> used = new HashSet<>(List.of("a1", "caf\u00e91"));
    List<List<String>> expected = new ArrayList<>();
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(origin() + "/");
      giveCookie(page, Duration.ofSeconds(4));
      page.evaluate("window.listen(" + BrowserPage.quote(hub.url() + "?topic="
          + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)) + ")");
      page.waitFor("window.opens === 1", WAIT);
      // the issue's reproduction first: an ASCII id, then café1
      publish("a1", "live 0.0", expected);
      publish("caf\u00e91", "live 0.1", expected);
      awaitReceived(page, expected);

      for (int round = 0; round < ROUNDS; round++) {
        // the hub ends the stream when the cookie's token expires; the browser waits RETRY_MILLIS
        page.waitFor("window.errors === " + (round + 1), WAIT);
        giveCookie(page, Duration.ofSeconds(5));
        for (int i = 0, missed = 1 + random.nextInt(3); i < missed; i++) {
          publish(randomId(random, used), "missed " + round + "." + i, expected);
        }
        page.waitFor("window.opens === " + (round + 2), WAIT);
        for (int i = 0, live = 1 + random.nextInt(3); i < live; i++) {
          publish(randomId(random, used), "live " + (round + 1) + "." + i, expected);
        }
        awaitReceived(page, expected);
      }

      assertThat(received(page)).as("in order, none lost, none twice (seed %d)", SEED).isEqualTo(expected);
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url().replace(Hub.PATH, "/metrics")))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(sample(metrics, "herald_replays_total")).as("each reconnection resumed").isEqualTo(ROUNDS);
      assertThat(sample(metrics, "herald_replay_resets_total")).as("every cursor was found").isZero();
    }
  }

  /** Sets the page's {@code mercureAuthorization} cookie to a subscriber token valid for {@code ttl}. */
  private static void giveCookie(BrowserPage page, Duration ttl) {
    String token = Tokens.hmac(SECRET, List.of(), List.of(TOPIC), ttl, Instant.now());
    // Cookies belong to a host, not a port: the hub on 127.0.0.1 receives this one.
    page.evaluate("document.cookie = 'mercureAuthorization=" + token + "; path=/; SameSite=Lax'");
  }

  private void publish(String id, String data, List<List<String>> expected) throws Exception {
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    String form = "topic=" + encode(TOPIC) + "&id=" + encode(id) + "&data=" + encode(data)
        + "&retry=" + RETRY_MILLIS;
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url()))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(id);
    expected.add(List.of(id, data));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Waits until the page has received as many events as expected (then they are compared). */
  private static void awaitReceived(BrowserPage page, List<List<String>> expected) {
    page.waitFor("window.received.length >= " + expected.size(), WAIT);
  }

  private static List<List<String>> received(BrowserPage page) throws IOException {
    JsonNode events = Cdp.JSON.readTree(page.evaluate("JSON.stringify(window.received)"));
    List<List<String>> received = new ArrayList<>();
    for (JsonNode event : events) {
      received.add(List.of(event.get(0).asText(), event.get(1).asText()));
    }
    return received;
  }

  /**
   * A new random id: 1 to 200 code points from ASCII, Latin-1, other scripts and beyond the BMP,
   * with inner spaces; no control characters, no space at either end (a header cannot carry them)
   * and no leading '#' (the hub refuses it).
   */
  private static String randomId(SplittableRandom random, Set<String> used) {
    String[] alphabet = {"a", "Z", "7", "-", ":", "/", "#", "%", "+", "=", "&", " ", "\u00e9", "\u00df",
        "\u00ff", "\u00c3", "\u0416", "\u05d0", "\u0627", "\u4e2d", "\u3042", "\uac00", "\u20ac", "\ufffd",
        "\ud83d\ude00", "\ud83c\udf89", "\udbff\udffd"};
    while (true) {
      int length = 1 + random.nextInt(random.nextInt(4) == 0 ? 200 : 12);
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < length; i++) {
        String next = alphabet[random.nextInt(alphabet.length)];
        boolean edge = i == 0 || i == length - 1;
        id.append(edge && (next.equals(" ") || next.equals("#")) ? "x" : next);
      }
      if (!id.toString().equals("earliest") && used.add(id.toString())) {
        return id.toString();
      }
    }
  }

  private static double sample(String metrics, String name) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    assertThat(matcher.find()).as("%s in%n%s", name, metrics).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
