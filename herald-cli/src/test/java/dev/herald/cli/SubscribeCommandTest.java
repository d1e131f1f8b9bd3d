package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ScriptedServer;
import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald subscribe} in process, against a real loopback server. */
class SubscribeCommandTest {
  private ScriptedServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private int subscribe(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "subscribe";
    System.arraycopy(args, 0, all, 1, args.length);
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private String url() {
    return server.uri("/events").toString();
  }

  private static ScriptedServer.Handler streamOf(String body) {
    return ex -> ex.stream().send(body).awaitClientClose(Duration.ofSeconds(10));
  }

  @Test
  void jsonPrintsExactlyOneObjectPerEventAndNothingElse() {
    server.then(streamOf(": hi\n\nid: 1\nevent: chat\ndata: a \"b\"\ndata: c\n\ndata: \u00e9\u0001\n\n"));

    int code = subscribe("--json", "--max-events", "2", url());

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(
        "{\"type\":\"chat\",\"data\":\"a \\\"b\\\"\\nc\",\"lastEventId\":\"1\"}\n"
            + "{\"type\":\"message\",\"data\":\"\u00e9\\u0001\",\"lastEventId\":\"1\"}\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void textPrintsEachEventAsACanonicalEventStream() {
    server.then(streamOf("data:x\r\nevent:t\r\n\r\nid: 5\ndata: y\n\n"));

    assertThat(subscribe("--max-events", "2", url())).isZero();

    assertThat(out.toString()).isEqualTo("event: t\ndata: x\n\nid: 5\nevent: message\ndata: y\n\n");
  }

  @Test
  void commentsArePrintedOnlyWhenAskedFor() {
    server.then(streamOf(": ping\n\ndata: x\n\n"));

    assertThat(subscribe("--comments", "--max-events", "1", url())).isZero();

    assertThat(out.toString()).isEqualTo(": ping\n\nevent: message\ndata: x\n\n");
  }

  @Test
  void headersAndTheLastEventIdAreSent() throws Exception {
    server.then(streamOf("data: x\n\n"));

    subscribe("-H", "Authorization: Bearer t0k", "--header", "X-Trace:abc", "--last-event-id", "42",
        "--max-events", "1", url());

    ScriptedServer.Request request = server.takeRequest();
    assertThat(request.header("Authorization")).isEqualTo("Bearer t0k");
    assertThat(request.header("X-Trace")).isEqualTo("abc");
    assertThat(request.header("Last-Event-ID")).isEqualTo("42");
  }

  @Test
  void dataMakesAPostAndAtFileReadsTheBody(@TempDir Path dir) throws Exception {
    Path body = Files.writeString(dir.resolve("body.json"), "{\"stream\":true}");
    server.then(streamOf("data: token\n\n"));

    int code = subscribe("-H", "Content-Type: application/json", "--data", "@" + body, "--max-events", "1", url());
    assertThat(code).as(err.toString()).isZero();

    ScriptedServer.Request request = server.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo("{\"stream\":true}");
  }

  @Test
  void reconnectsReportingOnStderrAndResumesFromTheLastId() throws Exception {
    server.then(ex -> ex.stream().send("id: 1\ndata: a\n\n").end())
        .then(streamOf("id: 2\ndata: b\n\n"));

    assertThat(subscribe("--json", "--max-events", "2", url())).isZero();

    assertThat(out.toString()).contains("\"lastEventId\":\"1\"", "\"lastEventId\":\"2\"");
    assertThat(err.toString()).contains("the server ended the stream; reconnecting");
    server.takeRequest();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
  }

  @Test
  void noReconnectExitsZeroWhenTheStreamEnds() {
    server.then(ex -> ex.stream().send("data: a\n\n").end());

    assertThat(subscribe("--no-reconnect", url())).isZero();
    assertThat(out.toString()).isEqualTo("event: message\ndata: a\n\n");
  }

  @Test
  void noContentExitsZero() {
    server.then(ex -> ex.respond(204));

    assertThat(subscribe(url())).isZero();
  }

  @Test
  void refusalExitsOneWithTheReasonOnStderr() {
    server.then(ex -> ex.respond(401).send("invalid_token: expired").end());

    assertThat(subscribe("--json", url())).isEqualTo(1);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("HTTP 401: invalid_token: expired");
  }

  @Test
  void timeoutWithoutMaxEventsIsANormalEnd() {
    server.then(streamOf("data: a\n\n"));

    assertThat(subscribe("--timeout", "2s", url())).isZero();
    assertThat(out.toString()).isEqualTo("event: message\ndata: a\n\n");
  }

  @Test
  void timeoutBeforeMaxEventsIsAFailure() {
    server.then(streamOf("data: a\n\n"));

    assertThat(subscribe("--timeout", "2s", "--max-events", "2", url())).isEqualTo(1);
    assertThat(err.toString()).contains("timed out", "1 of 2 events");
  }

  @Test
  void malformedHeaderIsAUsageError() {
    assertThat(subscribe("-H", "no-colon", url())).isEqualTo(2);
    assertThat(err.toString()).contains("--header must look like 'Name: value'");
  }

  @Test
  void malformedDurationIsAUsageError() {
    assertThat(subscribe("--timeout", "soon", url())).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }

  @Test
  void nonHttpUrlIsAUsageError() {
    assertThat(subscribe("ftp://example/")).isEqualTo(2);
    assertThat(err.toString()).contains("http or https");
  }

  @Test
  void zeroMaxEventsIsAUsageError() {
    assertThat(subscribe("--max-events", "0", url())).isEqualTo(2);
  }

  @Test
  void browserRetryPolicyWaitsTheReconnectionTimeWhateverRetryAfterSays() {
    // The default policy would honour Retry-After and wait an hour; a browser ignores it.
    server.then(ex -> ex.stream().send("retry: 50\ndata: a\n\n").end())
        .then(ex -> ex.respond(503, "Retry-After", "3600").send("busy").end())
        .then(streamOf("data: b\n\n"));

    int code = subscribe("--retry-policy", "browser", "--max-events", "2", "--timeout", "60s", url());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("event: message\ndata: a\n\nevent: message\ndata: b\n\n");
  }

  @Test
  void unknownRetryPolicyIsAUsageErrorListingTheChoices() {
    assertThat(subscribe("--retry-policy", "eager", url())).isEqualTo(2);
    assertThat(err.toString()).contains("--retry-policy", "backoff", "browser");
  }

  @Test
  void hubAndTopicsBuildAnEncodedUrlAndTheTokenIsSentAsBearer() throws Exception {
    server.then(streamOf("data: x\n\n"));

    int code = subscribe("--hub", server.uri("/.well-known/mercure").toString(),
        "--topic", "https://example.com/books/{id}", "--topic", "a b&c", "--token", "t0k", "--max-events", "1");

    assertThat(code).as(err.toString()).isZero();
    ScriptedServer.Request request = server.takeRequest();
    assertThat(request.target()).isEqualTo("/.well-known/mercure"
        + "?topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D&topic=a%20b%26c");
    assertThat(request.header("Authorization")).isEqualTo("Bearer t0k");
  }

  @Test
  void hubTopicsAreAddedAfterTheQueryTheHubUrlAlreadyHas() throws Exception {
    server.then(streamOf("data: x\n\n"));

    subscribe("--hub", server.uri("/hub?lastEventID=earliest").toString(), "--topic", "*", "--max-events", "1");

    assertThat(server.takeRequest().target()).isEqualTo("/hub?lastEventID=earliest&topic=*");
  }

  @Test
  void aPositionalUrlWithSelectorBracesIsEncodedNotRefused() throws Exception {
    server.then(streamOf("data: x\n\n"));

    int code = subscribe("--max-events", "1", url() + "?topic=https://example.com/books/{id}&topic=%2A");

    assertThat(code).as(err.toString()).isZero();
    assertThat(server.takeRequest().target())
        .isEqualTo("/events?topic=https://example.com/books/%7Bid%7D&topic=%2A");
  }

  @Test
  void aUrlAndHubTogetherAreAUsageError() {
    assertThat(subscribe("--hub", url(), "--topic", "t", url())).isEqualTo(2);
    assertThat(err.toString()).contains("either a URL or --hub");
  }

  @Test
  void hubWithoutTopicIsAUsageError() {
    assertThat(subscribe("--hub", url())).isEqualTo(2);
    assertThat(err.toString()).contains("--hub needs at least one --topic");
  }

  @Test
  void neitherUrlNorHubIsAUsageError() {
    assertThat(subscribe("--topic", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("give a URL, or --hub URL with one or more --topic");
  }

  @Test
  void timeoutOfARunThatNeverConnectedExitsThree() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }

    int code = subscribe("--timeout", "1s", "http://127.0.0.1:" + port + "/events");

    assertThat(code).isEqualTo(SubscribeCommand.NEVER_CONNECTED).isEqualTo(3);
    assertThat(err.toString()).contains("never connected in 1000 ms");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void hubTopicTemplateAndTokenReceivePrivateUpdatesFromARealHub() throws Exception {
    String secret = "subscribe-test-secret-that-is-long-enough";
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(secret).start()) {
      String endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      StringWriter published = new StringWriter();
      int publishCode = Herald.run(new PrintWriter(published, true), new PrintWriter(err, true), Map.of(),
          "publish", "--hub", endpoint, "--topic", "https://example.com/books/1", "--data", "one", "--private",
          "--jwt-secret", secret);
      assertThat(publishCode).as(err.toString()).isZero();
      String token = Tokens.hmac(secret, List.of(), List.of("https://example.com/books/{id}"),
          Duration.ofMinutes(5), Instant.now());

      int code = subscribe("--hub", endpoint, "--topic", "https://example.com/books/{id}", "--token", token,
          "--last-event-id", "earliest", "--max-events", "1", "--timeout", "60s");

      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).isEqualTo("id: " + published.toString().strip() + "\nevent: message\ndata: one\n\n");
    }
  }
}
