package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelined HTTP/1.1 requests through the server's own connection pipeline in an
 * {@link EmbeddedChannel}: answers come in request order even when an earlier one is answered later,
 * {@code Connection: close} ends the connection after its own answer and never before an earlier
 * one's, and nothing behind an event stream is handled. Every buffer is released.
 *
 * <p>The application: {@code /later/<name>} is answered only when the test says so,
 * {@code /now/<name>} at once, {@code /stream} opens an event stream at once and {@code /stream-later}
 * when the test says so. Each answer's body is the path.
 */
@ExtendWith(LeakRecorder.class)
class PipelinedRequestsTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  private EmbeddedChannel channel;
  private final List<String> handled = new ArrayList<>();
  private final List<HttpExchange> waiting = new ArrayList<>();

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  /** A connection with the server's guard and HTTP/1.1 handlers, as {@link ConnectionInitializer} sets them up. */
  private void connect(int maxBodySize) {
    ServerConfig config = new ServerConfig(HttpServer.builder().maxBodySize(maxBodySize)
        .requestTimeout(REQUEST_TIMEOUT), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    channel = new EmbeddedChannel(new ConnectionGuard(config, false));
    ConnectionInitializer.http1(channel.pipeline(), config, this::handle);
  }

  private void handle(HttpExchange exchange) {
    String path = exchange.path();
    handled.add(path);
    if (path.startsWith("/later") || path.equals("/stream-later")) {
      exchange.deferAnswer();
      waiting.add(exchange);
    } else if (path.equals("/stream")) {
      exchange.openStream().flush();
    } else {
      exchange.respond(200, "text/plain", path);
    }
  }

  /** Answers the oldest request still waiting, as a log write completing would, then runs what follows. */
  private void answerLater() {
    HttpExchange exchange = waiting.remove(0);
    if (exchange.path().equals("/stream-later")) {
      exchange.openStream().flush();
    } else {
      exchange.respond(200, "text/plain", exchange.path());
    }
    channel.runPendingTasks();
  }

  private void send(String... requests) {
    channel.writeInbound(Unpooled.copiedBuffer(String.join("", requests), StandardCharsets.US_ASCII));
    channel.runPendingTasks();
  }

  private static String get(String path, String... headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: h\r\n" + String.join("", headers) + "\r\n";
  }

  private static String post(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /** Everything written so far. */
  private String written() {
    StringBuilder out = new StringBuilder();
    for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
      ByteBuf bytes = (ByteBuf) written;
      out.append(bytes.toString(StandardCharsets.UTF_8));
      bytes.release();
    }
    return out.toString();
  }

  /** The bodies of the whole responses in {@code out}, in order, each prefixed with its status. */
  private static List<String> answers(String out) {
    List<String> answers = new ArrayList<>();
    Matcher status = STATUS.matcher(out);
    int from = 0;
    while (status.find(from)) {
      int headEnd = out.indexOf("\r\n\r\n", status.end()) + 4;
      Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(out.substring(status.end(), headEnd));
      int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
      answers.add(status.group(1) + " " + out.substring(headEnd, Math.min(out.length(), headEnd + bodyLength)));
      from = headEnd + bodyLength;
    }
    return answers;
  }

  @Test
  void answersComeInRequestOrderWhenAnEarlierRequestIsAnsweredLater() {
    connect(1024);
    send(post("/later/publish", "topic=t"), get("/now/health"), post("/later/second", "x"), get("/now/last"));

    assertThat(written()).as("nothing may overtake the first request's answer").isEmpty();
    answerLater();
    assertThat(answers(written())).containsExactly("200 /later/publish", "200 /now/health");
    answerLater();
    assertThat(answers(written())).containsExactly("200 /later/second", "200 /now/last");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aPipelinedRequestIsNotHandledNorTheSocketReadUntilTheOneBeforeItIsAnswered() {
    connect(1024);
    send(post("/later/publish", "topic=t"), get("/now/health"));

    assertThat(handled).containsExactly("/later/publish");
    assertThat(channel.config().isAutoRead()).as("reading stops while a request waits").isFalse();
    answerLater();
    assertThat(handled).containsExactly("/later/publish", "/now/health");
    assertThat(channel.config().isAutoRead()).as("reading resumes once nothing waits").isTrue();
    written();
  }

  @Test
  void connectionCloseInTheMiddleClosesAfterItsOwnAnswerAndNothingAfterItIsHandled() {
    connect(1024);
    send(post("/later/publish", "topic=t"), get("/now/health", "Connection: close\r\n"),
        post("/later/never", "x"), get("/now/never"));

    assertThat(channel.isOpen()).as("not closed before the earlier answer").isTrue();
    answerLater();
    String out = written();
    assertThat(answers(out)).containsExactly("200 /later/publish", "200 /now/health");
    assertThat(out).contains("connection: close");
    assertThat(handled).containsExactly("/later/publish", "/now/health");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aRequestPipelinedBehindAnEventStreamIsNeverHandled() {
    connect(1024);
    send(get("/stream-later"), get("/now/after-the-stream"), post("/now/posted", "x"));

    assertThat(handled).containsExactly("/stream-later");
    answerLater();
    send(get("/now/later-still"));
    String out = written();
    assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").contains("text/event-stream")
        .doesNotContain("after-the-stream").doesNotContain("HTTP/1.1 200 OK\r\ncontent-type: text/plain");
    assertThat(handled).containsExactly("/stream-later");
    assertThat(channel.isOpen()).as("the stream stays open").isTrue();
  }

  @Test
  void aMalformedRequestInTheMiddleIsRefusedAfterTheAnswersBeforeItAndEndsTheConnection() {
    connect(1024);
    send(post("/later/publish", "topic=t"), "GET / HTTP/2.0\r\nHost: h\r\n\r\n", get("/now/never"));

    assertThat(written()).isEmpty();
    answerLater();
    List<String> answers = answers(written());
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).isEqualTo("200 /later/publish");
    assertThat(answers.get(1)).startsWith("505 http_version_not_supported");
    assertThat(handled).containsExactly("/later/publish");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aBodyOverTheLimitBehindAWaitingRequestIsRefusedAfterItsAnswer() {
    connect(16);
    send(post("/later/publish", "topic=t"), post("/now/too-big", "b".repeat(17)), get("/now/never"));

    assertThat(written()).isEmpty();
    answerLater();
    List<String> answers = answers(written());
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).isEqualTo("200 /later/publish");
    assertThat(answers.get(1)).startsWith("413 body_too_large");
    assertThat(handled).containsExactly("/later/publish");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aPartRequestHeldBehindAnotherMustArriveWithinTheRequestTimeoutOnceItsTurnComes() {
    connect(1024);
    send(post("/later/publish", "topic=t"), "POST /now/slow HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    channel.advanceTimeBy(REQUEST_TIMEOUT.toNanos() * 2, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("no timeout while the server is the one taking its time").isTrue();

    answerLater();
    channel.advanceTimeBy(REQUEST_TIMEOUT.toNanos() + 1, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    List<String> answers = answers(written());
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).isEqualTo("200 /later/publish");
    assertThat(answers.get(1)).startsWith("408 request_timeout");
  }
}
