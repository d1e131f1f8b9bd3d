package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code Last-Event-ID} that is not ASCII, as browsers send it (its UTF-8 bytes), over HTTP/1.1
 * and HTTP/2: the hub finds the id, resumes right after it (no duplicate), and echoes the id's UTF-8
 * bytes. The history: {@code a1}, {@code café1}, then an update without an id.
 */
class NonAsciiLastEventIdTest {
  private static final String CAFE = "caf\u00e91";
  /** {@code café1} as the bytes on the wire, one ISO-8859-1 char per byte. */
  private static final String CAFE_UTF8 = "caf\u00c3\u00a91";
  private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

  private HubFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new HubFixture();
    fixture.publishOk("topic", "t", "id", "a1", "data", "one");
    fixture.publishOk("topic", "t", "id", CAFE, "data", "two");
    fixture.publishOk("topic", "t", "data", "three");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void utf8HeaderOverHttp11ResumesAfterTheIdAndEchoesItsBytes() throws Exception {
    try (Socket socket = connect()) {
      String head = send(socket, CAFE_UTF8);

      assertThat(head).startsWith("HTTP/1.1 200").contains("\r\nLast-Event-ID: " + CAFE_UTF8 + "\r\n");
      assertThat(dataUntil(socket.getInputStream(), "data: three")).isEqualTo("data: three");
    }
  }

  @Test
  void latin1HeaderFromAnOldClientStillFindsTheId() throws Exception {
    try (Socket socket = connect()) {
      String head = send(socket, CAFE); // é as the single byte E9: not UTF-8, read as Latin-1

      assertThat(head).startsWith("HTTP/1.1 200").contains("\r\nLast-Event-ID: " + CAFE_UTF8 + "\r\n");
      assertThat(dataUntil(socket.getInputStream(), "data: three")).isEqualTo("data: three");
    }
  }

  @Test
  void utf8HeaderOverHttp2ResumesAfterTheIdAndEchoesItsBytes() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection = h2cConnection(group);
      BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
      Http2StreamChannel stream = openStream(connection, frames);
      Http2Headers request = new DefaultHttp2Headers().method("GET").scheme("http")
          .path(fixture.subscribePath("t")).authority("127.0.0.1:" + fixture.hub.address().getPort())
          .add("last-event-id", new AsciiString(CAFE_UTF8.getBytes(StandardCharsets.ISO_8859_1)));
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(request, true)).sync();

      Http2HeadersFrame head = (Http2HeadersFrame) frames.poll(10, TimeUnit.SECONDS);
      assertThat(head).as("response headers").isNotNull();
      assertThat(head.headers().status().toString()).isEqualTo("200");
      CharSequence echoed = head.headers().get("last-event-id");
      assertThat(echoed).isNotNull();
      assertThat(AsciiString.of(echoed).toByteArray()).isEqualTo(CAFE.getBytes(StandardCharsets.UTF_8));
      StringBuilder body = new StringBuilder();
      while (!body.toString().contains("data: three\n")) {
        Object data = frames.poll(10, TimeUnit.SECONDS);
        assertThat(data).as("the stream so far: %s", body).isInstanceOf(String.class);
        body.append(data);
      }
      assertThat(body.toString()).doesNotContain("data: one").doesNotContain("data: two");
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void javaEventSourceResumesAfterANonAsciiIdExactly() throws Exception {
    try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId(CAFE))) {
      SseEvent first = events.poll(Duration.ofSeconds(10));

      assertThat(first).isNotNull();
      assertThat(first.data()).isEqualTo("three");
    }
  }

  @Test
  void idThatAHeaderCannotCarryIsEchoedWithQuestionMarksAndResumed() throws Exception {
    String awkward = " spaced\u0001id\t";
    fixture.publishOk("topic", "t", "id", awkward, "data", "four");
    fixture.publishOk("topic", "t", "data", "five");
    try (Socket socket = connect()) {
      String path = fixture.subscribePath("t") + "&lastEventID=" + URLEncoder.encode(awkward, StandardCharsets.UTF_8);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String head = readHead(socket.getInputStream());

      assertThat(head).startsWith("HTTP/1.1 200").contains("\r\nLast-Event-ID: ?spaced?id?\r\n");
      assertThat(dataUntil(socket.getInputStream(), "data: five")).isEqualTo("data: five");
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", fixture.hub.address().getPort());
    socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
    return socket;
  }

  /** Sends a subscription to {@code t} with this {@code Last-Event-ID} (one byte per char); returns the response head. */
  private String send(Socket socket, String lastEventIdBytes) throws IOException {
    String request = "GET " + fixture.subscribePath("t") + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
        + "Last-Event-ID: " + lastEventIdBytes + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return readHead(socket.getInputStream());
  }

  /** The response head, one char per byte, up to and including the empty line. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      assertThat(b).as("the response head so far: %s", head.toString(StandardCharsets.ISO_8859_1)).isNotNegative();
      head.write(b);
      last4 = last4 << 8 | b;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads the stream's lines up to {@code expected} and returns the first {@code data:} line: the
   * event the hub sent first, which must be {@code expected} (anything earlier is a duplicate).
   */
  private static String dataUntil(InputStream in, String expected) throws IOException {
    String first = null;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b != '\n') {
        line.write(b);
        continue;
      }
      String text = line.toString(StandardCharsets.UTF_8).strip();
      line.reset();
      if (text.startsWith("data:") && first == null) {
        first = text;
      }
      if (text.equals(expected)) {
        return first;
      }
    }
    throw new AssertionError("the stream ended before " + expected);
  }

  private Channel h2cConnection(EventLoopGroup group) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect(fixture.hub.address()).sync().channel();
  }

  /** A stream whose headers frames and DATA payloads (as UTF-8 text) arrive in {@code frames}. */
  private static Http2StreamChannel openStream(Channel connection, BlockingQueue<Object> frames)
      throws InterruptedException {
    return new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object frame) {
        if (frame instanceof Http2HeadersFrame) {
          frames.add(frame);
        } else if (frame instanceof Http2DataFrame data) {
          ByteBuf content = data.content();
          frames.add(content.toString(StandardCharsets.UTF_8));
        }
        ReferenceCountUtil.release(frame);
      }
    }).open().sync().getNow();
  }
}
