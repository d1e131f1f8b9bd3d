package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget for request bodies in flight, on a real server on a loopback port with raw sockets (and
 * curl for HTTP/2): a body is charged from its first byte to its answer, one that does not fit gets
 * {@code 503 overloaded} with {@code Retry-After}, and nothing stays charged after a client stalls,
 * leaves mid-body or times out. Budget 48 KiB, bodies up to 32 KiB: one 30,000-byte body fits,
 * two do not.
 */
@ExtendWith(LeakRecorder.class)
class BodyBudgetTest {
  private static final int BUDGET = 48 * 1024;
  private static final int BODY = 30_000;
  private HttpServer server;
  /** Requests to {@code /hold}, answered when the test says so. */
  private final BlockingQueue<HttpExchange> held = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(Duration requestTimeout) throws InterruptedException {
    server = HttpServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .maxBodySize(32 * 1024).maxBodyBytesInFlight(BUDGET).requestTimeout(requestTimeout)
        .handler(exchange -> {
          if (exchange.path().equals("/hold")) {
            exchange.deferAnswer(); // answered later, like a publish waiting for the log
            held.add(exchange);
          } else {
            exchange.respond(200, "text/plain", exchange.bodyText().length() + "\n");
          }
        }).start();
  }

  private void start() throws InterruptedException {
    start(Duration.ofSeconds(10));
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.address().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String head(String path, int contentLength, String... extraHeaders) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " + contentLength
        + "\r\n" + String.join("", extraHeaders) + "\r\n";
  }

  /** Sends a whole {@link #BODY}-byte request to {@code /hold} and waits until the handler holds it. */
  private HttpExchange holdOneBody(Socket socket) throws Exception {
    send(socket, head("/hold", BODY) + "a".repeat(BODY));
    HttpExchange exchange = held.poll(10, TimeUnit.SECONDS);
    assertThat(exchange).as("the held request reached the handler").isNotNull();
    return exchange;
  }

  /** Reads one response: the head, and the body by its Content-Length. */
  private static String response(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
    int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return text + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
  }

  private static void awaitValue(LongSupplier value, long expected, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (value.getAsLong() != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " is " + value.getAsLong() + ", not " + expected);
      }
      Thread.sleep(5);
    }
  }

  private void awaitInFlight(long bytes) throws InterruptedException {
    awaitValue(server::bodyBytesInFlight, bytes, "bytes in flight");
  }

  private static void assertOverloaded(String response) {
    assertThat(response).startsWith("HTTP/1.1 503 ").containsIgnoringCase("Retry-After: 1")
        .containsIgnoringCase("Connection: close")
        .contains("overloaded: the request bodies being received have reached the server's budget of "
            + BUDGET + " bytes; retry shortly\n");
  }

  private static void assertClosed(Socket socket) throws IOException {
    assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
  }

  @Test
  void aBodyIsChargedFromItsFirstByteUntilItsAnswerIsWritten() throws Exception {
    start();
    try (Socket client = connect()) {
      send(client, head("/hold", BODY) + "a".repeat(10_000));
      awaitInFlight(10_000); // while it arrives
      send(client, "a".repeat(BODY - 10_000));
      HttpExchange exchange = held.poll(10, TimeUnit.SECONDS);
      assertThat(exchange).isNotNull();
      assertThat(server.bodyBytesInFlight()).as("held while the handler works on it").isEqualTo(BODY);

      exchange.execute(() -> exchange.respond(200, "text/plain", "done\n"));
      assertThat(response(client)).startsWith("HTTP/1.1 200 ").endsWith("done\n");
      awaitInFlight(0);

      send(client, head("/echo", 5) + "hello"); // the same connection goes on, charged afresh
      assertThat(response(client)).startsWith("HTTP/1.1 200 ").endsWith("5\n");
      awaitInFlight(0);
    }
    assertThat(server.bodiesRefused()).isZero();
  }

  @Test
  void aBodyWhoseLengthDoesNotFitIsRefused503WithRetryAfterBeforeItIsSent() throws Exception {
    start();
    try (Socket holder = connect(); Socket late = connect()) {
      HttpExchange exchange = holdOneBody(holder);
      send(late, head("/echo", BODY)); // the head alone: refused without waiting for the body
      assertOverloaded(response(late));
      assertClosed(late);
      assertThat(server.bodiesRefused()).isEqualTo(1);
      assertThat(server.bodyBytesInFlight()).isEqualTo(BODY);

      exchange.execute(() -> exchange.respond(200, "text/plain", "done\n"));
      assertThat(response(holder)).startsWith("HTTP/1.1 200 ");
      awaitInFlight(0);
    }
    try (Socket retry = connect()) { // Retry-After honoured: room again
      send(retry, head("/echo", BODY) + "b".repeat(BODY));
      assertThat(response(retry)).startsWith("HTTP/1.1 200 ").endsWith(BODY + "\n");
    }
  }

  @Test
  void expectContinueIsAnswered503InsteadOf100WhenTheBodyCannotFit() throws Exception {
    start();
    try (Socket holder = connect(); Socket late = connect()) {
      HttpExchange exchange = holdOneBody(holder);
      send(late, head("/echo", BODY, "Expect: 100-continue\r\n"));
      assertOverloaded(response(late));
      exchange.execute(() -> exchange.respond(200, "text/plain", "done\n"));
      assertThat(response(holder)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aChunkedBodyIsRefusedWhenThePieceThatCrossesTheBudgetArrives() throws Exception {
    start();
    try (Socket holder = connect(); Socket chunked = connect()) {
      HttpExchange exchange = holdOneBody(holder);
      send(chunked, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = Integer.toHexString(8_000) + "\r\n" + "c".repeat(8_000) + "\r\n";
      send(chunked, chunk + chunk); // 30,000 + 16,000 = 46,000 of 49,152: fits
      awaitInFlight(BODY + 16_000);
      send(chunked, chunk); // 54,000: does not
      assertOverloaded(response(chunked));
      awaitInFlight(BODY); // what the refused request had taken is free again
      assertThat(server.bodiesRefused()).isEqualTo(1);
      exchange.execute(() -> exchange.respond(200, "text/plain", "done\n"));
      assertThat(response(holder)).startsWith("HTTP/1.1 200 ");
      awaitInFlight(0);
    }
  }

  @Test
  void aClientThatStallsMidBodyHoldsOnlyWhatItSentAndFreesItWhenItDisconnects() throws Exception {
    start();
    Socket staller = connect();
    send(staller, head("/echo", BODY) + "s".repeat(20_000)); // announces 30,000, sends 20,000, stalls
    awaitInFlight(20_000);
    try (Socket late = connect()) {
      send(late, head("/echo", BODY));
      assertOverloaded(response(late));
    }
    staller.close(); // leaves mid-body
    awaitInFlight(0);
    try (Socket next = connect()) {
      send(next, head("/echo", BODY) + "n".repeat(BODY));
      assertThat(response(next)).startsWith("HTTP/1.1 200 ").endsWith(BODY + "\n");
    }
    awaitInFlight(0);
  }

  @Test
  void aClientThatStallsMidBodyUntilTheRequestTimeoutFreesWhatItHeld() throws Exception {
    start(Duration.ofMillis(300));
    try (Socket staller = connect()) {
      send(staller, head("/echo", BODY) + "s".repeat(20_000));
      assertThat(response(staller)).startsWith("HTTP/1.1 408 ");
      awaitInFlight(0);
    }
  }

  @Test
  void aClientThatLeavesBeforeItsAnswerFreesItsBody() throws Exception {
    start();
    Socket impatient = connect();
    HttpExchange exchange = holdOneBody(impatient);
    impatient.close();
    awaitInFlight(0);
    // The late answer finds the connection gone: nothing is charged or released twice.
    exchange.execute(() -> exchange.respond(200, "text/plain", "too late\n"));
    try (Socket next = connect()) {
      send(next, head("/echo", BODY) + "n".repeat(BODY));
      assertThat(response(next)).startsWith("HTTP/1.1 200 ");
    }
    awaitInFlight(0);
  }

  @Test
  void http2StreamsAreChargedAndRefusedTheSameWay(@TempDir Path dir) throws Exception {
    start();
    Path body = Files.writeString(dir.resolve("body"), "h".repeat(BODY));
    try (Socket holder = connect()) {
      HttpExchange exchange = holdOneBody(holder);
      assertThat(curlHttp2(body)).contains("HTTP/2 503", "retry-after: 1", "overloaded: ");
      exchange.execute(() -> exchange.respond(200, "text/plain", "done\n"));
      assertThat(response(holder)).startsWith("HTTP/1.1 200 ");
      awaitInFlight(0);
    }
    assertThat(curlHttp2(body)).contains("HTTP/2 200", BODY + "\n");
    awaitInFlight(0);
  }

  private String curlHttp2(Path body) throws Exception {
    Process curl = new ProcessBuilder("curl", "-sS", "-i", "--http2-prior-knowledge", "--max-time", "20",
        "-H", "Content-Type: text/plain", "--data-binary", "@" + body,
        "http://127.0.0.1:" + server.address().getPort() + "/echo").redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  @Test
  void theBudgetMustHoldAtLeastOneBodyOfTheLargestSize() {
    HttpServer.Builder builder = HttpServer.builder().handler(exchange -> { }).maxBodySize(1024 * 1024)
        .maxBodyBytesInFlight(1024 * 1024 - 1);
    assertThatThrownBy(builder::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBodyBytesInFlight (1048575) must be at least maxBodySize (1048576)");
    assertThatThrownBy(() -> HttpServer.builder().maxBodyBytesInFlight(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
