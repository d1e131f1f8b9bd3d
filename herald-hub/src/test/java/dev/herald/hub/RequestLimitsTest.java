package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub's configurable request-size limits, over a raw socket. */
class RequestLimitsTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", fixture.hub.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void headersOverTheConfiguredSizeGet431() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).maxHeaderSize(1024));

    String response = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000)
        + "\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 431").contains("headers_too_large");
  }

  @Test
  void headersWithinTheConfiguredSizePass() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).maxHeaderSize(4096));

    String response = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000)
        + "\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200");
  }

  @Test
  void requestLineOverTheConfiguredLengthGets414() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).maxRequestLineLength(256));

    String response = exchange("GET " + Hub.PATH + "?topic=" + "t".repeat(300)
        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 414").contains("uri_too_long");
  }
}
