package dev.herald.hub;

import static dev.herald.hub.HubFixture.publisherToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.ReadyState;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken and hostile HTTP/1.1 requests on raw sockets, while one subscriber to every topic stays
 * connected. Each request is refused with a 4xx (5xx for a version or transfer coding the server does
 * not implement) and a short {@code code: message} text body, and where the message framing can no
 * longer be trusted the connection is closed, so nothing smuggled after it is read. After every test
 * the hub still publishes, and the subscriber's next event is that legitimate update: nothing a broken
 * request carried was published.
 */
class HostileRequestsTest {
  private static final int MAX_UPDATE_SIZE = 4096;
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
  /** Bounds every socket read, so a hub that hangs fails the test instead of stalling it. */
  private static final int SOCKET_TIMEOUT_MILLIS = 10_000;
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String BODY = "topic=t&data=hello";

  private static HubFixture fixture;
  private static EventIterator everything;
  private static int legitimate;

  @BeforeAll
  static void start() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).requestTimeout(REQUEST_TIMEOUT)
        .maxUpdateSize(MAX_UPDATE_SIZE));
    everything = fixture.subscribe("*");
  }

  @AfterAll
  static void stop() {
    everything.close();
    fixture.close();
  }

  @AfterEach
  void theHubStillPublishesAndTheSubscriberGotNothingElse() throws Exception {
    String data = "legitimate " + ++legitimate;
    String id = fixture.publishOk("topic", "t", "data", data);
    // Updates arrive in publish order: anything a broken request got published comes before this one.
    // Reading up to it also leaves the subscriber clean for the next test, so a leak fails one test only.
    List<SseEvent> before = new ArrayList<>();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      SseEvent event = left > 0 ? everything.poll(Duration.ofNanos(left)) : null;
      assertThat(event).as("the legitimate update within %s; before it came %s", PATIENCE, before).isNotNull();
      if (event.id().equals(id)) {
        assertThat(event).isEqualTo(new SseEvent(id, "message", data, null, null));
        break;
      }
      before.add(event);
    }
    assertThat(before).as("events published by broken requests").isEmpty();
    assertThat(everything.readyState()).as("the subscriber's stream survived").isEqualTo(ReadyState.OPEN);
  }

  @Test
  void headerValueOverTheLimitIs431AndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20 * 1024) + "\r\n\r\n");
      connection.expectRefusal(431, "headers_too_large: ");
    }
  }

  @Test
  void thousandsOfHeadersOverTheLimitAre431() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "X-Header: value\r\n".repeat(4000) + "\r\n");
      connection.expectRefusal(431, "headers_too_large: ");
    }
  }

  @Test
  void thousandsOfSmallHeadersWithinTheLimitAreServed() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "a:b\r\n".repeat(3000) + "\r\n");
      Response response = connection.response();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}\n");
    }
  }

  @Test
  void requestLineOverTheLimitIs414AndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET /.well-known/mercure?topic=" + "t".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      connection.expectRefusal(414, "uri_too_long: ");
    }
  }

  @Test
  void bodyShorterThanItsContentLengthTimesOutWith408() throws Exception {
    try (RawConnection connection = connect()) {
      // A complete-looking form that promises more: publishing what arrived would be wrong.
      connection.send(publish(FORM, "Content-Length: 100\r\n") + BODY);
      connection.expectRefusal(408, "request_timeout: ");
    }
  }

  @Test
  void bodyShorterThanItsContentLengthThenHalfClosedIsNotPublished() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Content-Length: 100\r\n") + BODY);
      connection.socket.shutdownOutput();
      // Nothing more can come: the hub may say so with a 4xx or just close, but must not wait or publish.
      Response response = connection.response();
      if (response != null) {
        assertThat(response.status()).isBetween(400, 499);
      }
      assertThat(connection.closedByHub()).isTrue();
    }
  }

  @Test
  void bodyShorterThanItsContentLengthThenClosedIsNotPublished() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Content-Length: 100\r\n") + BODY);
    }
    // The check that nothing was published is the one after every test.
  }

  @Test
  void contentLengthOverTheMaxUpdateSizeIs413AndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      String body = BODY + "x".repeat(MAX_UPDATE_SIZE);
      connection.send(publish(FORM, "Content-Length: " + body.length() + "\r\n") + body);
      connection.expectRefusal(413, "body_too_large: ");
    }
  }

  @Test
  void announcedBodyOverTheMaxUpdateSizeIs413BeforeItIsSent() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Expect: 100-continue\r\nContent-Length: " + (MAX_UPDATE_SIZE + 1) + "\r\n"));
      connection.expectRefusal(413, "body_too_large: ");
    }
  }

  @Test
  void chunkedBodyGrowingOverTheMaxUpdateSizeIs413AndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      String chunk = "x".repeat(1024);
      connection.send(publish(FORM, "Transfer-Encoding: chunked\r\n") + "12\r\n" + BODY + "\r\n"
          + ("400\r\n" + chunk + "\r\n").repeat(5) + "0\r\n\r\n");
      connection.expectRefusal(413, "body_too_large: ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/json", "multipart/form-data; boundary=x", ""})
  void publishWithoutTheFormContentTypeIs415(String contentType) throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(contentType, "Content-Length: " + BODY.length() + "\r\n") + BODY);
      Response response = connection.response();
      assertThat(response.status()).isEqualTo(415);
      assertThat(response.body()).startsWith("unsupported_media_type: ").contains(FORM);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"%FF%FEabc", "\u00ff\u00feabc"})
  void invalidUtf8InAFormFieldIsDecodedAsReplacementCharacters(String data) throws Exception {
    // The WHATWG form decoding: every byte that is not UTF-8 becomes U+FFFD, so the stream stays UTF-8.
    try (RawConnection connection = connect()) {
      String body = "topic=t&data=" + data; // the second case sends the bytes FF FE raw
      connection.send(publish(FORM, "Content-Length: " + body.length() + "\r\n") + body);
      Response response = connection.response();
      assertThat(response.status()).isEqualTo(200);
      assertThat(everything.poll(PATIENCE))
          .isEqualTo(new SseEvent(response.body(), "message", "\uFFFD\uFFFDabc", null, null));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/healthz\u0000", "/.well-known/mercure?topic=a\u0000b", "/.well-known/mercure?topic=a\u0001b",
      "/.well-known/mercure?topic=a\u007fb"})
  void controlCharacterInTheRequestLineIs400(String target) throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @Test
  void http09RequestLineIs400() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send("GET /healthz\r\n\r\n");
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0"})
  void otherHttpVersionsOnTheHttp11ParserAre505(String version) throws Exception {
    // Not the HTTP/2 preface (PRI * HTTP/2.0, which is h2c with prior knowledge): a 1.1-style request line.
    try (RawConnection connection = connect()) {
      connection.send("GET /healthz " + version + "\r\nHost: x\r\n\r\n");
      connection.expectRefusal(505, "http_version_not_supported: ");
    }
  }

  @Test
  void headerLineWithoutAColonIs400() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "NoColonHere\r\nContent-Length: " + BODY.length() + "\r\n") + BODY);
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @Test
  void obsoleteLineFoldingIsRefusedOrReadAsASpace() throws Exception {
    // RFC 9112, section 5.2: a server either refuses obs-fold with 400 or replaces it by a space. Folding
    // the Authorization header tells which: read any other way, the token would not verify.
    try (RawConnection connection = connect()) {
      connection.send("POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\n"
          + "Authorization: Bearer\r\n " + publisherToken() + "\r\nContent-Length: " + BODY.length() + "\r\n\r\n"
          + BODY);
      Response response = connection.response();
      if (response.status() == 400) {
        assertThat(response.body()).startsWith("bad_request: ");
      } else {
        assertThat(response.status()).isEqualTo(200);
        assertThat(everything.poll(PATIENCE)).isEqualTo(new SseEvent(response.body(), "message", "hello", null, null));
      }
    }
  }

  @Test
  void conflictingContentLengthsAre400AndCloseTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      // Read with the first length, the rest of the body would be a second, smuggled request.
      String smuggled = smuggledPublish();
      connection.send(publish(FORM, "Content-Length: " + BODY.length() + "\r\nContent-Length: "
          + (BODY.length() + smuggled.length()) + "\r\n") + BODY + smuggled);
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @Test
  void contentLengthWithChunkedTransferEncodingIs400AndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      // Framed by Content-Length, the chunked body's tail would be a second, smuggled request.
      String smuggled = smuggledPublish();
      String chunked = Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n";
      connection.send(publish(FORM, "Content-Length: " + chunked.length() + "\r\nTransfer-Encoding: chunked\r\n")
          + chunked + smuggled);
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip, chunked", "gzip\r\nTransfer-Encoding: chunked"})
  void transferCodingOtherThanChunkedIs501AndClosesTheConnection(String codings) throws Exception {
    // A gzip-coded body read as plain would publish something the client never meant.
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Transfer-Encoding: " + codings + "\r\n")
          + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n");
      connection.expectRefusal(501, "not_implemented: ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zz", "-12", "FFFFFFFFFFFF", "5"})
  void malformedChunkFramingIs400AndClosesTheConnection(String size) throws Exception {
    // "5" is a size that does not match the data: the CRLF after it is missing.
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Transfer-Encoding: chunked\r\n") + size + "\r\n" + BODY + "\r\n0\r\n\r\n"
          + smuggledPublish());
      connection.expectRefusal(400, "bad_request: ");
    }
  }

  @Test
  void overLongChunkSizeLineIsRefusedAndClosesTheConnection() throws Exception {
    try (RawConnection connection = connect()) {
      connection.send(publish(FORM, "Transfer-Encoding: chunked\r\n") + "12;" + "e".repeat(9 * 1024) + "\r\n"
          + BODY + "\r\n0\r\n\r\n");
      Response response = connection.response();
      assertThat(response.status()).isBetween(400, 499);
      assertThat(connection.closedByHub()).isTrue();
    }
  }

  /** A publish request's head (request line and headers) with this content type, a valid token and {@code extra}. */
  private static String publish(String contentType, String extra) {
    return "POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\n"
        + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
        + "Authorization: Bearer " + publisherToken() + "\r\n" + extra + "\r\n";
  }

  /** A whole, valid publish: if the hub ever read it, the subscriber would see "smuggled". */
  private static String smuggledPublish() {
    String body = "topic=t&data=smuggled";
    return publish(FORM, "Content-Length: " + body.length() + "\r\n") + body;
  }

  private static RawConnection connect() throws IOException {
    return new RawConnection(new Socket("127.0.0.1", fixture.hub.address().getPort()));
  }

  /** One response: status, lower-cased head, body. */
  private record Response(int status, String head, String body) {}

  /** A socket speaking bytes; every read is bounded by {@link #SOCKET_TIMEOUT_MILLIS}. */
  private static final class RawConnection implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    RawConnection(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      this.in = socket.getInputStream();
    }

    /** Sends the request as ISO-8859-1 bytes (so {@code \u00ff} is the byte FF). */
    void send(String request) throws IOException {
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (IOException refusedWhileWriting) {
        // The hub may answer and close before a long request is all written; the answer is still readable.
      }
    }

    /** The next response, or {@code null} if the hub closed without one. */
    Response response() throws IOException {
      String head = readHead();
      if (head == null) {
        return null;
      }
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).strip());
        }
      }
      byte[] body = in.readNBytes(length);
      return new Response(Integer.parseInt(head.substring(9, 12)), head,
          new String(body, StandardCharsets.UTF_8));
    }

    /** Asserts a refusal: this status, a short text body starting with {@code code}, then the close. */
    void expectRefusal(int status, String code) throws IOException {
      Response response = response();
      assertThat(response).as("a response before the close").isNotNull();
      assertThat(response.status()).as(response.head()).isEqualTo(status);
      assertThat(response.head()).contains("content-type: text/plain");
      assertThat(response.body()).startsWith(code).endsWith("\n").hasSizeLessThan(200);
      assertThat(closedByHub()).as("the connection is closed after the refusal").isTrue();
    }

    /** Whether the hub closes the connection (end of stream or reset) within the socket timeout. */
    boolean closedByHub() throws IOException {
      try {
        while (true) {
          if (in.read() == -1) {
            return true;
          }
        }
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }

    private String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int last4 = 0;
      try {
        while (last4 != 0x0d0a0d0a) { // up to the empty line that ends the head
          int b = in.read();
          if (b == -1) {
            break;
          }
          head.write(b);
          last4 = last4 << 8 | b;
        }
      } catch (SocketTimeoutException hung) {
        throw new AssertionError("no response within " + SOCKET_TIMEOUT_MILLIS + " ms: " + head, hung);
      } catch (IOException reset) {
        // A reset after the response: what arrived before it is still the answer.
      }
      return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
