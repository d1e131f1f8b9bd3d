package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection limits and the timeouts that keep idle or slow clients from holding the server. */
class ConnectionGuardTest {
  private TestApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", app.server.address().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Everything the server sends until it closes the connection. */
  private static String readToClose(Socket socket) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      out.write(b);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static void awaitCount(java.util.function.LongSupplier count, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Opens a connection and makes sure the server has taken it (a request answered on it). */
  private Socket established() throws IOException {
    Socket socket = connect();
    send(socket, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    while (!seen.toString(StandardCharsets.UTF_8).endsWith("ok")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed: " + seen);
      }
      seen.write(b);
    }
    return socket;
  }

  @Test
  void connectionsOverTheTotalLimitAreAnswered503() throws Exception {
    app = new TestApp(HttpServer.builder().maxConnections(2));
    try (Socket a = established(); Socket b = established(); Socket c = connect()) {
      assertThat(readToClose(c)).startsWith("HTTP/1.1 503 ").contains("too_many_connections");
      assertThat(app.server.connectionsRefused()).isEqualTo(1);
    }
  }

  @Test
  void connectionsOverTheLimitOfOneAddressAreAnswered429() throws Exception {
    app = new TestApp(HttpServer.builder().maxConnectionsPerAddress(1));
    try (Socket a = established(); Socket b = connect()) {
      assertThat(readToClose(b)).startsWith("HTTP/1.1 429 ").contains("too_many_connections");
    }
  }

  @Test
  void aClosedConnectionFreesItsSlot() throws Exception {
    app = new TestApp(HttpServer.builder().maxConnections(1));
    try (Socket first = connect()) {
      send(first, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(readToClose(first)).startsWith("HTTP/1.1 404 ");
    }
    Thread.sleep(200);
    try (Socket second = connect()) {
      send(second, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(readToClose(second)).startsWith("HTTP/1.1 404 ");
    }
  }

  @Test
  void aRequestThatNeverCompletesGets408() throws Exception {
    app = new TestApp(HttpServer.builder().requestTimeout(Duration.ofMillis(300)));
    try (Socket slowloris = connect()) {
      send(slowloris, "GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ");
      assertThat(readToClose(slowloris)).startsWith("HTTP/1.1 408 ").contains("request_timeout");
      awaitCount(app.server::connectionsTimedOut, 1);
      assertThat(app.server.connectionsTimedOut()).isEqualTo(1);
    }
  }

  @Test
  void aSilentConnectionIsClosed() throws Exception {
    app = new TestApp(HttpServer.builder().idleTimeout(Duration.ofMillis(300)));
    try (Socket silent = connect()) {
      assertThat(readToClose(silent)).isEmpty();
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedWhenSilentAfterItsResponse() throws Exception {
    app = new TestApp(HttpServer.builder().idleTimeout(Duration.ofMillis(300)));
    try (Socket client = connect()) {
      send(client, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
      assertThat(readToClose(client)).startsWith("HTTP/1.1 200 ").endsWith("hi");
    }
  }

  @Test
  void eventStreamsOutliveBothTimeouts() throws Exception {
    app = new TestApp(HttpServer.builder().idleTimeout(Duration.ofMillis(200))
        .requestTimeout(Duration.ofMillis(200)).heartbeat(Duration.ZERO));
    try (EventIterator events = EventSource.builder(URI.create(app.url("/stream?topic=t")))
        .errorPolicy(ErrorPolicy.NEVER).iterator()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (app.fanOut.size() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(800);
      app.publish("t", "still here");
      assertThat(events.next().data()).isEqualTo("still here");
    }
  }
}
