package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald relay} in process: a fake LLM-like source, an in-process hub, viewers. */
class RelayCommandTest {
  private static final String SECRET = "relay-test-secret-that-is-long-enough!";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Hub hub;
  private String endpoint;
  private FakeSource source;

  @BeforeEach
  void start() throws Exception {
    hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true).start();
    endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
    source = new FakeSource();
  }

  @AfterEach
  void stop() {
    source.close();
    hub.close();
  }

  /** {@code herald relay SOURCE} with the source's key and request, to topic {@code chat}, and {@code options}. */
  private CompletableFuture<Integer> relay(String... options) {
    List<String> args = new ArrayList<>(List.of("relay", source.uri().toString(), "-H",
        "Authorization: " + FakeSource.API_KEY, "-H", "Content-Type: application/json", "-d", FakeSource.REQUEST,
        "--hub", endpoint, "--topic", "chat"));
    args.addAll(List.of(options));
    if (!args.contains("--token")) {
      args.addAll(List.of("--jwt-secret", SECRET));
    }
    return CompletableFuture.supplyAsync(() -> Herald.run(new PrintWriter(out, true), new PrintWriter(err, true),
        Map.of(), args.toArray(String[]::new)));
  }

  private List<String> printedIds() {
    return out.toString().lines().toList();
  }

  @Test
  void everyEventReachesViewersInOrderAsItArrivesWithTheRequestForwarded() throws Exception {
    try (Viewer viewer = Viewer.open(endpoint, "chat")) {
      CompletableFuture<Integer> run = relay();

      source.send("event: token\ndata: Hel\n\n");
      SseEvent first = viewer.next();
      assertThat(first.type()).isEqualTo("token");
      assertThat(first.data()).isEqualTo("Hel");
      assertThat(run).as("relaying while the source goes on").isNotDone();
      source.send(": keep-alive\n\nevent: token\ndata: lo\n\nretry: 2500\n");
      source.send("data: [DONE]\n\n");
      source.end();

      assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(source.badRequest).isNull();
      List<String> ids = printedIds();
      assertThat(ids).hasSize(3).doesNotHaveDuplicates();
      assertThat(first.id()).isEqualTo(ids.get(0));
      assertThat(viewer.next(2)).containsExactly(
          new SseEvent(ids.get(1), "token", "lo", null, null),
          new SseEvent(ids.get(2), "message", "[DONE]", null, null));
      assertThat(err.toString()).contains("relayed 3 events");
      assertThat(source.requests).as("the source is requested once").isEqualTo(1);
    }
  }

  @Test
  void theSourcesRetryGoesWithTheNextEvent() throws Exception {
    CompletableFuture<Integer> run = relay();
    source.send("retry: 2500\ndata: a\n\n");
    source.end();
    assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();

    assertThat(historyUpTo("chat", "data: a")).contains("retry: 2500\ndata: a\n");
  }

  @Test
  void aViewerThatReconnectsWithLastEventIdGetsExactlyTheEventsItMissed() throws Exception {
    CompletableFuture<Integer> run;
    String lastSeen;
    try (Viewer viewer = Viewer.open(endpoint, "chat")) {
      run = relay();
      source.send("data: 1\n\ndata: 2\n\n");
      List<SseEvent> seen = viewer.next(2);
      assertThat(seen).extracting(SseEvent::data).containsExactly("1", "2");
      lastSeen = seen.get(1).id();
    } // the viewer reloads its page
    source.send("data: 3\n\n");
    source.send("data: 4\n\n");
    try (Viewer resumed = Viewer.resume(endpoint, "chat", lastSeen)) {
      source.send("data: 5\n\n");
      source.end();
      assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();

      List<String> ids = printedIds();
      assertThat(resumed.next(3)).containsExactly(
          new SseEvent(ids.get(2), "message", "3", null, null),
          new SseEvent(ids.get(3), "message", "4", null, null),
          new SseEvent(ids.get(4), "message", "5", null, null));
    }
  }

  @Test
  void withAnIdPrefixAnEventsOwnIdIsKeptAfterThePrefix() throws Exception {
    CompletableFuture<Integer> run = relay("--id-prefix", "answer-7/");
    source.send("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n");
    source.end();

    assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
    List<String> ids = printedIds();
    assertThat(ids).hasSize(3);
    assertThat(ids.get(0)).isEqualTo("answer-7/1");
    assertThat(ids.get(1)).as("no id of its own: the hub's").doesNotStartWith("answer-7/");
    assertThat(ids.get(2)).isEqualTo("answer-7/2");
  }

  @Test
  void withoutAnIdPrefixTheSourcesIdsAreDroppedSoASecondRelayDoesNotConflict() throws Exception {
    for (int i = 0; i < 2; i++) {
      out.getBuffer().setLength(0);
      CompletableFuture<Integer> run = relay();
      source.send("id: 1\ndata: a\n\n");
      source.end();
      assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(printedIds()).hasSize(1).first().isNotEqualTo("1");
    }
  }

  @Test
  void aSourceAnswering401ExitsOneWithItsReasonAndPublishesNothing() throws Exception {
    source.refuseWith(401, "application/json", "{\"error\":\"invalid api key\"}");

    assertThat(relay().get(20, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(err.toString().strip()).isEqualTo(
        "herald: source " + source.uri() + " answered HTTP 401: {\"error\":\"invalid api key\"}");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aSourceAnsweringHtmlExitsOneNamingTheContentType() throws Exception {
    source.refuseWith(200, "text/html; charset=utf-8", "<html><body>Sign in</body></html>");

    assertThat(relay().get(20, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(err.toString()).contains("source " + source.uri()
        + " answered 200 with Content-Type text/html; charset=utf-8, not text/event-stream");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aHubThatRefusesTheTokenExitsOneWithItsReasonBeforeTheSourceIsAskedAnything() throws Exception {
    CompletableFuture<Integer> run = relay("--token", "not-a-token");

    assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(err.toString()).contains("answered HTTP 401: invalid_token");
    assertThat(source.requests).isZero();
  }

  @Test
  void aSourceConnectionThatBreaksOffExitsOneAfterRelayingTheCompleteEvents() throws Exception {
    try (java.net.ServerSocket broken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
        try (java.net.Socket socket = broken.accept()) {
          BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(),
              StandardCharsets.ISO_8859_1));
          for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
            // the request head; GET has no body
          }
          String events = "data: whole\n\ndata: cut";
          socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(events.length()) + "\r\n" + events
              + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          socket.getOutputStream().flush();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }); // closed without the last chunk: the connection broke
      String url = "http://127.0.0.1:" + broken.getLocalPort() + "/stream";

      try (Viewer viewer = Viewer.open(endpoint, "chat")) {
        int code = Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), "relay", url,
            "--hub", endpoint, "--topic", "chat", "--jwt-secret", SECRET);

        server.get(20, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("source " + url + ": connection lost",
            "relayed the 1 event received before");
        assertThat(printedIds()).hasSize(1);
        assertThat(viewer.next()).isEqualTo(new SseEvent(printedIds().get(0), "message", "whole", null, null));
      }
    }
  }

  @Test
  void aSourceSilentForTheReadTimeoutEndsTheRelayAfterItsCompleteEvents() throws Exception {
    CompletableFuture<Integer> run = relay("--read-timeout", "300ms");
    source.send("data: a\n\ndata: half");

    assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(err.toString()).contains("source " + source.uri() + ": nothing arrived for 300ms (--read-timeout);"
        + " relayed the 1 event received before");
    assertThat(printedIds()).hasSize(1);
  }

  @Test
  void aHubThatRefusesAnEventPartWayStopsTheSourceAndPrintsTheIdsPublishedBefore() throws Exception {
    try (Hub strict = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET)
        .maxUpdateSize(64).start()) {
      endpoint = "http://127.0.0.1:" + strict.address().getPort() + Hub.PATH;
      CompletableFuture<Integer> run = relay();
      source.send("data: small\n\n");
      source.send("data: " + "x".repeat(1000) + "\n\n"); // and the source goes on: the relay must not wait for it

      assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(err.toString()).contains("answered HTTP 413: event_too_large: event 2 of the stream");
      assertThat(printedIds()).hasSize(1);
    }
  }

  @Test
  void aSourceThatIsNotHttpIsBadUsage() {
    int code = Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), "relay",
        "ftp://example.com/x", "--topic", "t", "--jwt-secret", SECRET);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("SOURCE must be an http or https URL");
  }

  /** The hub's stored stream on {@code topic} as text, from the start up to the line {@code last}. */
  private String historyUpTo(String topic, String last) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?topic=" + topic))
        .header("Last-Event-ID", "earliest").build();
    HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder text = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        text.append(line).append('\n');
        if (line.equals(last)) {
          break;
        }
      }
    }
    return text.toString();
  }
}
