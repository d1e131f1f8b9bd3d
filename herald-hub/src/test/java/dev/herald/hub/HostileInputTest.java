package dev.herald.hub;

import static dev.herald.hub.HubFixture.publisherToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publishers and clients sending what they should not: injected event fields, control characters,
 * broken encodings, garbage requests. Each is refused or neutralised, and subscribers see nothing odd.
 */
class HostileInputTest {
  private static final String[] PIECES = {
    "\n", "\r", "\r\n", "\n\n", "id: evil", "event: forged", "data: injected", "retry: 1", ":", " ", "\0",
    "x", "é", "\uD83D\uDE00", "%", "&", "=", "+"
  };
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static String hostileData(SplittableRandom random) {
    StringBuilder data = new StringBuilder();
    for (int i = random.nextInt(1, 12); i > 0; i--) {
      data.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return data.toString();
  }

  @Test
  void lineBreaksInDataNeverInjectFieldsOrEvents() throws Exception {
    fixture = new HubFixture();
    SplittableRandom random = new SplittableRandom(42);
    try (EventIterator events = fixture.subscribe("t")) {
      for (int i = 0; i < 200; i++) {
        String data = hostileData(random);
        String id = fixture.publishOk("topic", "t", "data", data);
        SseEvent received = events.next();
        assertThat(received.id()).as("payload %s", data).isEqualTo(id);
        assertThat(received.type()).isEqualTo("message");
        assertThat(received.data()).isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
      }
    }
  }

  @Test
  void controlCharactersInIdTypeAndTopicAreRefused() throws Exception {
    fixture = new HubFixture();
    for (String[] form : new String[][] {
        {"topic", "t", "id", "a\nid: b"}, {"topic", "t", "id", "a\rb"}, {"topic", "t", "id", "a\0b"},
        {"topic", "t", "type", "x\nid: y"}, {"topic", "t", "type", "x\ry"}, {"topic", "a\nb"},
        {"topic", "t", "retry", "1\n2"}, {"topic", "t", "retry", "-1"}}) {
      HttpResponse<String> response = fixture.publish(publisherToken(), form);
      assertThat(response.statusCode()).as(String.join(" ", form)).isEqualTo(400);
    }
  }

  @Test
  void brokenPercentEncodingAndGarbageRequestsGetA4xxAndTheHubKeepsServing() throws Exception {
    fixture = new HubFixture();
    try (EventIterator events = fixture.subscribe("t")) {
      String[] requests = {
        "POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Authorization: Bearer " + publisherToken() + "\r\nContent-Length: 12\r\n\r\ntopic=%zz&d=",
        "GET /.well-known/mercure?topic=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n",
        "BREW /coffee HTCPCP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "\u0000\u0001\u0002garbage\r\n\r\n",
      };
      for (String request : requests) {
        String status = rawStatusLine(request);
        assertThat(status).as("answer to %s", request.lines().findFirst().orElse(""))
            .matches("HTTP/1\\.1 4\\d\\d .*|");
      }
      String id = fixture.publishOk("topic", "t", "data", "still fine");
      SseEvent next = events.next();
      assertThat(next.id()).isEqualTo(id);
      assertThat(next.data()).isEqualTo("still fine");
    }
  }

  /** The status line the hub answers a raw request with ({@code ""} if it just closed). */
  private String rawStatusLine(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", fixture.hub.address().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        line.write(b);
      }
      return line.toString(StandardCharsets.ISO_8859_1).strip();
    }
  }
}
