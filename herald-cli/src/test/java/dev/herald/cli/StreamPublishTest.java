package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald publish --stream} in process, standard input to an in-process hub. */
class StreamPublishTest {
  private static final String SECRET = "stream-test-secret-that-is-long-enough!";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final InputStream originalIn = System.in;
  private Hub hub;
  private String endpoint;

  @BeforeEach
  void startHub() throws Exception {
    hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true).start();
    endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
  }

  @AfterEach
  void stopHub() {
    System.setIn(originalIn);
    hub.close();
  }

  private int herald(String... args) {
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
  }

  /** {@code herald publish --hub ... --jwt-secret ... OPTIONS} with {@code input} as standard input. */
  private int publish(String input, String... options) {
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    return herald(command(options));
  }

  private String[] command(String... options) {
    List<String> command = new java.util.ArrayList<>(List.of("publish", "--hub", endpoint, "--jwt-secret", SECRET));
    command.addAll(List.of(options));
    return command.toArray(String[]::new);
  }

  private List<String> printedIds() {
    return out.toString().lines().toList();
  }

  @Test
  void everyEventOfTheInputReachesASubscriberInOrderWithThePrintedIds() throws Exception {
    try (Viewer viewer = Viewer.open(endpoint, "news")) {
      int code = publish("data: one\n\nevent: flash\ndata: two\ndata: lines\n\nid: my-id\nretry: 5000\ndata: three\n\n",
          "--stream", "--topic", "news");

      assertThat(code).as(err.toString()).isZero();
      List<String> ids = printedIds();
      assertThat(ids).hasSize(3).doesNotHaveDuplicates();
      assertThat(ids.get(2)).isEqualTo("my-id");
      assertThat(viewer.next(3)).containsExactly(
          new SseEvent(ids.get(0), "message", "one", null, null),
          new SseEvent(ids.get(1), "flash", "two\nlines", null, null),
          new SseEvent("my-id", "message", "three", null, null));
      assertThat(err.toString()).isEmpty();
    }
  }

  @Test
  void withLinesEachLineIsAnEventOfTheGivenTypeAndAnEmptyLineOneWithEmptyData() throws Exception {
    try (Viewer viewer = Viewer.open(endpoint, "log")) {
      int code = publish("compiling\r\n\nlinking\rdone", "--stream", "--lines", "--type", "build", "--topic", "log");

      assertThat(code).as(err.toString()).isZero();
      List<String> ids = printedIds();
      assertThat(ids).hasSize(4);
      assertThat(viewer.next(4)).containsExactly(
          new SseEvent(ids.get(0), "build", "compiling", null, null),
          new SseEvent(ids.get(1), "build", "", null, null),
          new SseEvent(ids.get(2), "build", "linking", null, null),
          new SseEvent(ids.get(3), "build", "done", null, null));
    }
  }

  @Test
  void eventsArePublishedAsTheInputProducesThemNotAtItsEnd() throws Exception {
    PipedOutputStream producer = new PipedOutputStream();
    System.setIn(new PipedInputStream(producer));
    try (Viewer viewer = Viewer.open(endpoint, "tail")) {
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
          () -> herald(command("--stream", "--lines", "--topic", "tail")));

      producer.write("first line\n".getBytes(StandardCharsets.UTF_8));
      producer.flush();
      assertThat(viewer.next().data()).isEqualTo("first line");
      producer.write("second line\n".getBytes(StandardCharsets.UTF_8));
      producer.flush();
      assertThat(viewer.next().data()).isEqualTo("second line");
      assertThat(run).as("still reading its input").isNotDone();

      producer.close();
      assertThat(run.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(printedIds()).hasSize(2);
    }
  }

  @Test
  void inputEndingInTheMiddleOfAnEventPublishesTheCompleteEventsOnly() throws Exception {
    try (Viewer viewer = Viewer.open(endpoint, "cut")) {
      int code = publish("data: complete\n\ndata: also complete\n\ndata: cut off", "--stream", "--topic", "cut");

      assertThat(code).as(err.toString()).isZero();
      assertThat(printedIds()).hasSize(2);
      assertThat(viewer.next(2)).extracting(SseEvent::data).containsExactly("complete", "also complete");
      assertThat(publish("data: next\n\n", "--stream", "--topic", "cut")).isZero();
      assertThat(viewer.next().data()).as("the cut-off event never came").isEqualTo("next");
    }
  }

  @Test
  void aRefusedStreamExitsOneWithTheHubsReasonWhileTheInputIsStillOpen() throws Exception {
    PipedOutputStream producer = new PipedOutputStream();
    System.setIn(new PipedInputStream(producer));
    String[] args = {"publish", "--hub", endpoint, "--stream", "--topic", "news", "--jwt-secret",
        "a-different-secret-that-is-long-enough"};
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> herald(args));
    producer.write("data: never published\n\n".getBytes(StandardCharsets.UTF_8));
    producer.flush();

    // The input never ends, like tail -f: the refusal must end the command all the same.
    assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 401", "invalid_token");
    assertThat(out.toString()).isEmpty();
    producer.close();
  }

  @Test
  void aRefusalPartWayPrintsTheIdsOfTheUpdatesPublishedBeforeIt() throws Exception {
    try (Viewer viewer = Viewer.open(endpoint, "news")) {
      int code = publish("data: fine\n\nid: #bad\ndata: refused\n\ndata: after\n\n", "--stream", "--topic", "news");

      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).contains("HTTP 400: invalid_update: event 2 of the stream");
      List<String> ids = printedIds();
      assertThat(ids).hasSize(1);
      assertThat(viewer.next()).isEqualTo(new SseEvent(ids.get(0), "message", "fine", null, null));
    }
  }

  @Test
  void streamWithDataIsBadUsage() {
    assertThat(publish("", "--stream", "--topic", "t", "--data", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("--stream publishes standard input: give no --data");
  }

  @Test
  void linesWithoutStreamIsBadUsage() {
    assertThat(publish("", "--lines", "--topic", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("--lines needs --stream");
  }

  @Test
  void typeOfAnEventStreamIsBadUsage() {
    assertThat(publish("", "--stream", "--type", "x", "--topic", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("--type with --stream needs --lines");
  }

  @Test
  void aStreamToAHubNobodyListensOnSaysConnectionRefused() throws Exception {
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    String nowhere = "http://127.0.0.1:" + port + Hub.PATH;
    System.setIn(new ByteArrayInputStream(new byte[0]));

    int code = herald("publish", "--hub", nowhere, "--stream", "--topic", "t", "--jwt-secret", SECRET);

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("herald: cannot connect to " + nowhere + ": connection refused");
  }

  @Test
  void aQuietInputIsKeptOpenPastTheHubsIdleTimeoutByHeartbeats() throws Exception {
    try (Hub strict = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET)
        .anonymous(true).idleTimeout(Duration.ofMillis(500)).start()) {
      java.net.URI target = java.net.URI.create("http://127.0.0.1:" + strict.address().getPort() + Hub.PATH);
      String token = dev.herald.hub.auth.Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofMinutes(1),
          java.time.Instant.now());
      try (StreamUpload upload = StreamUpload.open(target, List.of("quiet"), false, token, Duration.ofMillis(100))) {
        upload.write("data: before\n\n".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(1500); // three idle timeouts without an event
        upload.write("data: after\n\n".getBytes(StandardCharsets.UTF_8));
        upload.finish();

        HubAnswer answer = upload.await();
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.ids()).hasSize(2);
      }
    }
  }
}
