package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 and TLS: ALPN picks h2 or HTTP/1.1 on one TLS port, cleartext connections may speak h2 with
 * prior knowledge, many event streams share one connection, and the slow-consumer and timeout guards
 * hold per stream. Clients: the JDK's HttpClient (with Herald's EventSource on it), curl, and a Netty
 * HTTP/2 client where a test needs control of flow-control windows or frames.
 */
@ExtendWith(LeakRecorder.class)
class Http2Test {
  private TestApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static HttpServer.Builder tls() {
    return HttpServer.builder().tls(TestCertificates.certificate(), TestCertificates.privateKey());
  }

  private static HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(TestCertificates.trustingClientContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private HttpResponse<Stream<String>> openLines(HttpClient client, String pathAndQuery) throws Exception {
    int before = app.fanOut.size();
    HttpResponse<Stream<String>> response = client.send(
        HttpRequest.newBuilder(URI.create(app.url(pathAndQuery))).build(), HttpResponse.BodyHandlers.ofLines());
    awaitSubscribers(before + 1);
    return response;
  }

  private void awaitSubscribers(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (app.fanOut.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + app.fanOut.size() + " of " + count + " subscribers registered");
      }
      Thread.sleep(10);
    }
  }

  private void awaitDelivered(long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (app.server.deliveries() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static List<String> dataLines(Stream<String> lines, int count) {
    return lines.filter(line -> line.startsWith("data:")).limit(count).toList();
  }

  @Test
  void tlsOffersHttp2ThroughAlpn() throws Exception {
    app = new TestApp(tls());
    HttpResponse<Stream<String>> response = openLines(client(HttpClient.Version.HTTP_2), "/stream?topic=t");
    app.publish("t", "one");
    app.publish("t", "two");

    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    assertThat(response.headers().map()).doesNotContainKeys("transfer-encoding", "connection");
    assertThat(dataLines(response.body(), 2)).containsExactly("data: one", "data: two");
  }

  @Test
  void tlsServesHttp11ToClientsThatDoNotOfferHttp2() throws Exception {
    app = new TestApp(tls());
    HttpResponse<Stream<String>> response = openLines(client(HttpClient.Version.HTTP_1_1), "/stream?topic=t");
    app.publish("t", "one");

    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(dataLines(response.body(), 1)).containsExactly("data: one");
  }

  @Test
  void wholeResponsesWorkOverHttp2() throws Exception {
    app = new TestApp(tls());
    HttpResponse<String> response = client(HttpClient.Version.HTTP_2).send(
        HttpRequest.newBuilder(URI.create(app.url("/nothing-here"))).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void bodiesLargerThanTheFlowControlWindowArriveWhole() throws Exception {
    app = new TestApp(tls());
    String big = "y".repeat(300_000); // past the 64 KiB initial window both ways

    HttpResponse<String> echoed = client(HttpClient.Version.HTTP_2).send(
        HttpRequest.newBuilder(URI.create(app.url("/echo")))
            .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(echoed.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(echoed.statusCode()).isEqualTo(200);
    assertThat(echoed.body()).isEqualTo(big);
  }

  @Test
  void twentyEventSourcesShareOneHttp2Connection() throws Exception {
    app = new TestApp(tls());
    HttpClient client = client(HttpClient.Version.HTTP_2);
    // One request first, so that the twenty below reuse its connection instead of racing to open their own.
    client.send(HttpRequest.newBuilder(URI.create(app.url("/warm-up"))).build(), HttpResponse.BodyHandlers.discarding());
    List<EventIterator> sources = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        sources.add(EventSource.builder(URI.create(app.url("/stream?topic=t"))).httpClient(client)
            .errorPolicy(ErrorPolicy.NEVER).iterator());
      }
      awaitSubscribers(20);
      for (int i = 0; i < 50; i++) {
        app.publish("t", "event " + i);
      }
      for (EventIterator source : sources) {
        for (int i = 0; i < 50; i++) {
          SseEvent event = source.poll(Duration.ofSeconds(10));
          assertThat(event).as("event %d", i).isNotNull();
          assertThat(event.data()).isEqualTo("event " + i);
        }
      }
      assertThat(app.server.openConnections()).isEqualTo(1);
    } finally {
      sources.forEach(EventIterator::close);
    }
  }

  @Test
  void cleartextConnectionsMaySpeakHttp2WithPriorKnowledge() throws Exception {
    app = new TestApp();
    Process curl = new ProcessBuilder("curl", "-sS", "-N", "--http2-prior-knowledge", "-D", "-",
        "--max-time", "30", app.url("/stream?topic=t")).redirectErrorStream(true).start();
    try {
      awaitSubscribers(1);
      app.publish("t", "over h2c");
      List<String> lines = readUntil(curl.getInputStream(), "data: over h2c");
      assertThat(lines.get(0)).startsWith("HTTP/2 200");
    } finally {
      curl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void curlGetsHttp2OverTls() throws Exception {
    app = new TestApp(tls());
    Process curl = new ProcessBuilder("curl", "-sS", "-N", "--http2", "--cacert",
        TestCertificates.certificate().toString(), "-D", "-", "--max-time", "30", app.url("/stream?topic=t"))
        .redirectErrorStream(true).start();
    try {
      awaitSubscribers(1);
      app.publish("t", "over h2");
      List<String> lines = readUntil(curl.getInputStream(), "data: over h2");
      assertThat(lines.get(0)).startsWith("HTTP/2 200");
    } finally {
      curl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void idleHttp2StreamsGetHeartbeatsAndStillTheNextEvent() throws Exception {
    app = new TestApp(HttpServer.builder().heartbeat(Duration.ofMillis(100)));
    Process curl = new ProcessBuilder("curl", "-sS", "-N", "--http2-prior-knowledge", "--max-time", "30",
        app.url("/stream?topic=t")).redirectErrorStream(true).start();
    try {
      awaitSubscribers(1);
      BufferedReader reader = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
      int comments = 0;
      while (comments < 4) { // the opening comment, then heartbeats (each an empty comment line)
        String line = reader.readLine();
        assertThat(line).as("the stream ended after %d comments", comments).isNotNull();
        if (line.startsWith(":")) {
          comments++;
        }
      }
      app.publish("t", "after heartbeats");
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          assertThat(line).isEqualTo("data: after heartbeats");
          return;
        }
      }
      throw new AssertionError("the stream ended before the event");
    } finally {
      curl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Reads lines until one equals {@code last}; the process's --max-time bounds the wait. */
  private static List<String> readUntil(InputStream in, String last) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String line; (line = reader.readLine()) != null; ) {
      lines.add(line);
      if (line.equals(last)) {
        return lines;
      }
    }
    throw new AssertionError("the stream ended before \"" + last + "\": " + lines);
  }

  @Test
  void http2StreamThatCannotReceiveIsClosedAsSlowConsumer() throws Exception {
    app = new TestApp(HttpServer.builder().writeBufferHighWaterMark(16 * 1024));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      // A client that grants no flow-control window: nothing the server sends on a stream can leave.
      Channel connection = h2cConnection(group, Http2Settings.defaultSettings().initialWindowSize(0));
      BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
      Http2StreamChannel stream = openStream(connection, frames);
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(get("/stream?topic=t"), true)).sync();
      awaitSubscribers(1);
      String kilobyte = "x".repeat(1024);
      for (int i = 0; i < 200 && app.server.slowConsumersClosed() == 0; i++) {
        app.publish("t", kilobyte);
        Thread.sleep(i % 16 == 15 ? 5 : 0);
      }

      assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).as("stream reset").isTrue();
      assertThat(app.server.slowConsumersClosed()).isEqualTo(1);
      assertThat(connection.isActive()).as("the connection outlives its slow stream").isTrue();
      Http2HeadersFrame head = (Http2HeadersFrame) frames.poll(10, TimeUnit.SECONDS);
      assertThat(head.headers().status().toString()).isEqualTo("200");
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aRequestAnsweredBeforeItsBodyEndedIsResetWithNoErrorAfterTheAnswer() throws Exception {
    // RFC 9113 section 8.1: a complete response, then RST_STREAM(NO_ERROR) asks the client to stop
    // sending without an error; CANCEL would tell it the request failed.
    app = new TestApp(HttpServer.builder().streamedRequests((method, path, type) -> "/early".equals(path)));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection = h2cConnection(group, Http2Settings.defaultSettings());
      BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
      BlockingQueue<Http2ResetFrame> resets = new LinkedBlockingQueue<>();
      Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object frame) {
          frames.add(frame instanceof Http2HeadersFrame ? frame : frame.getClass().getSimpleName());
          ReferenceCountUtil.release(frame);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
          if (event instanceof Http2ResetFrame reset) {
            resets.add(reset);
          }
        }
      }).open().sync().getNow();
      Http2Headers headers = get("/early").method("POST").set("content-type", "text/plain");
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync(); // the body is still to come

      Http2HeadersFrame head = (Http2HeadersFrame) frames.poll(10, TimeUnit.SECONDS);
      assertThat(head.headers().status().toString()).isEqualTo("403");
      Http2ResetFrame reset = resets.poll(10, TimeUnit.SECONDS);
      assertThat(reset).as("the stream was reset").isNotNull();
      assertThat(reset.errorCode()).as("RST_STREAM error code").isEqualTo(Http2Error.NO_ERROR.code());
      assertThat(connection.isActive()).as("the connection goes on").isTrue();
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void http2RequestThatDoesNotArriveInTimeIsReset() throws Exception {
    app = new TestApp(HttpServer.builder().requestTimeout(Duration.ofMillis(300)));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection = h2cConnection(group, Http2Settings.defaultSettings());
      Http2StreamChannel stream = openStream(connection, new LinkedBlockingQueue<>());
      Http2Headers headers = get("/publish?topic=t").method("POST");
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync(); // a body is promised, never sent

      assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).as("stream reset").isTrue();
      assertThat(app.server.connectionsTimedOut()).isEqualTo(1);
      assertThat(connection.isActive()).isTrue();
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void http2HeadersOverTheLimitGet431AndTheConnectionLives() throws Exception {
    app = new TestApp(HttpServer.builder().maxHeaderSize(1024).maxRequestLineLength(256));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection = h2cConnection(group, Http2Settings.defaultSettings());
      BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
      Http2StreamChannel stream = openStream(connection, frames);
      // Just over the 1,280-byte header list limit: refused per stream. (Past 1.25 times the limit
      // Netty treats it as a connection error and sends GOAWAY.)
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(get("/stream?topic=t").add("x-big", "b".repeat(1100)), true));

      Http2HeadersFrame answer = (Http2HeadersFrame) frames.poll(10, TimeUnit.SECONDS);
      assertThat(answer.headers().status().toString()).isEqualTo("431");
      Http2StreamChannel next = openStream(connection, frames);
      next.writeAndFlush(new DefaultHttp2HeadersFrame(get("/nothing"), true));
      Object nextAnswer = frames.poll(10, TimeUnit.SECONDS);
      while (!(nextAnswer instanceof Http2HeadersFrame)) {
        nextAnswer = frames.poll(10, TimeUnit.SECONDS);
        assertThat(nextAnswer).as("an answer on the next stream").isNotNull();
      }
      assertThat(((Http2HeadersFrame) nextAnswer).headers().status().toString()).isEqualTo("404");
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void http2ConnectionWithoutStreamsIsClosedWhenIdle() throws Exception {
    app = new TestApp(HttpServer.builder().idleTimeout(Duration.ofMillis(300)));
    try (Socket socket = new Socket("127.0.0.1", app.server.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // the server's SETTINGS, its ack, then a GOAWAY: read until the server closes
      }
    }
    assertThat(app.server.connectionsTimedOut()).isEqualTo(1);
  }

  @Test
  void openHttp2StreamKeepsItsConnectionFromIdling() throws Exception {
    app = new TestApp(tls().idleTimeout(Duration.ofMillis(200)).requestTimeout(Duration.ofMillis(200)));
    HttpResponse<Stream<String>> response = openLines(client(HttpClient.Version.HTTP_2), "/stream?topic=t");
    Thread.sleep(600); // three idle timeouts: the open stream must hold its connection
    app.publish("t", "still here");

    assertThat(dataLines(response.body(), 1)).containsExactly("data: still here");
    assertThat(app.server.connectionsTimedOut()).isZero();
  }

  @Test
  void serverCloseEndsHttp2StreamsCleanly() throws Exception {
    app = new TestApp(tls());
    HttpResponse<Stream<String>> response = openLines(client(HttpClient.Version.HTTP_2), "/stream?topic=t");
    // Read as a client does, all along: the JDK's client may drop a finished stream's unread lines
    // when the connection closes under it.
    java.util.concurrent.CompletableFuture<List<String>> lines = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> response.body().filter(line -> line.startsWith("data:")).toList());
    app.publish("t", "last words");
    awaitDelivered(1);
    app.close();

    assertThat(lines.get(30, TimeUnit.SECONDS)).as("the body ends (no reset) after what was sent")
        .containsExactly("data: last words");
    app = null;
  }

  @Test
  void pkcs1KeyIsRefusedWithTheConversionCommand(@TempDir Path dir) throws IOException {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMII=\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> HttpServer.builder().tls(TestCertificates.certificate(), key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#8").hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void missingCertificateFileIsNamedInTheError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.crt");

    assertThatThrownBy(() -> HttpServer.builder().tls(missing, TestCertificates.privateKey()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void keyThatDoesNotMatchItsCertificateIsRefused(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("other.key");
    Process openssl = new ProcessBuilder("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
        "rsa_keygen_bits:2048", "-out", other.toString()).redirectErrorStream(true).start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> HttpServer.builder().tls(TestCertificates.certificate(), other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS");
  }

  private Http2Headers get(String pathAndQuery) {
    return new DefaultHttp2Headers().method("GET").scheme("http").path(pathAndQuery)
        .authority("127.0.0.1:" + app.server.address().getPort());
  }

  private Channel h2cConnection(EventLoopGroup group, Http2Settings settings) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            // The client ignores the server's header-list limit, so that tests can cross it.
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings)
                    .encoderIgnoreMaxHeaderListSize(true).build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect(app.server.address()).sync().channel();
  }

  private static Http2StreamChannel openStream(Channel connection, BlockingQueue<Object> frames)
      throws InterruptedException {
    return new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object frame) {
        frames.add(frame instanceof Http2HeadersFrame ? frame : frame.getClass().getSimpleName());
        ReferenceCountUtil.release(frame);
      }
    }).open().sync().getNow();
  }
}
