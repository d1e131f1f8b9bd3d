package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The request pipeline in an {@link EmbeddedChannel}: bytes in, bytes out, every buffer released. */
@ExtendWith(LeakRecorder.class)
class RequestDispatcherTest {
  private EmbeddedChannel channel;

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  private EmbeddedChannel pipeline(RequestHandler handler) {
    ServerConfig config = new ServerConfig(HttpServer.builder().maxRequestLineLength(128).maxHeaderSize(512)
        .maxBodySize(64), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    channel = new EmbeddedChannel(
        new HttpRequestDecoder(new HttpDecoderConfig().setMaxInitialLineLength(128).setMaxHeaderSize(512)),
        new HttpResponseEncoder(),
        new BodyAggregator(64),
        new RequestDispatcher(handler, config));
    return channel;
  }

  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder();
    for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
      out.append(written.toString(StandardCharsets.UTF_8));
      written.release();
    }
    return out.toString();
  }

  @Test
  void handlerAnswerIsWrittenWithContentLength() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "hi " + exchange.queryParameter("name")));
    assertThat(exchange("GET /x?name=bo HTTP/1.1\r\nHost: h\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: 5\r\n").endsWith("\r\n\r\nhi bo");
  }

  @Test
  void theExchangeAsLoggedLeavesOutTheQueryWhereTokensTravel() {
    List<String> logged = new ArrayList<>();
    pipeline(exchange -> {
      logged.add(exchange.toString());
      exchange.respond(200, "text/plain", "ok");
    });
    exchange("GET /.well-known/mercure?topic=t&authorization=eyJhbGciOiJIUzI1NiJ9.e30.c2ln HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(logged).containsExactly("GET /.well-known/mercure?...");
  }

  @Test
  void formBodyIsDecoded() {
    List<String> topics = new ArrayList<>();
    pipeline(exchange -> {
      topics.addAll(exchange.form().get("topic"));
      exchange.respond(200, "text/plain", "ok");
    });
    exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 25\r\n\r\ntopic=a%2Fb&topic=c+d&x=1");
    assertThat(topics).containsExactly("a/b", "c d");
  }

  @Test
  void requestLineOverTheLimitIs414AndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("GET /" + "a".repeat(200) + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 414 ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void headersOverTheLimitAre431() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("GET / HTTP/1.1\r\nX: " + "b".repeat(600) + "\r\n\r\n")).startsWith("HTTP/1.1 431 ");
  }

  @Test
  void bodyOverTheLimitIs413WithAReasonAndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n" + "b".repeat(65)))
        .startsWith("HTTP/1.1 413 ").endsWith("\r\n\r\nbody_too_large: the request body exceeds the server's limit of 64 bytes\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void announcedBodyOverTheLimitIs413WithAReasonAndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 65\r\n\r\n"))
        .startsWith("HTTP/1.1 413 ").endsWith("\r\n\r\nbody_too_large: the request body exceeds the server's limit of 64 bytes\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void announcedBodyWithinTheLimitGets100Continue() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "got " + exchange.bodyText()));
    assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"))
        .startsWith("HTTP/1.1 100 Continue\r\n");
    assertThat(exchange("x")).startsWith("HTTP/1.1 200 ").endsWith("got x");
  }

  @Test
  void anotherMajorHttpVersionIs505AndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("GET / HTTP/2.0\r\nHost: h\r\n\r\n")).startsWith("HTTP/1.1 505 ")
        .contains("http_version_not_supported");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void transferCodingOtherThanChunkedIs501AndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 501 ").contains("not_implemented");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void chunkedAloneIsServed() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "got " + exchange.bodyText()));
    assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ").endsWith("got x");
  }

  @Test
  void controlCharacterInTheRequestTargetIs400AndCloses() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable"));
    assertThat(exchange("GET /x?topic=a\u0000b HTTP/1.1\r\nHost: h\r\n\r\n")).startsWith("HTTP/1.1 400 ")
        .contains("control character");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void brokenPercentEncodingInTheUriIs400() {
    pipeline(exchange -> exchange.respond(200, "text/plain", "unreachable " + exchange.query()));
    assertThat(exchange("GET /x?topic=%E0%A4%A HTTP/1.1\r\nHost: h\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("malformed URI");
  }

  @Test
  void handlerThatThrowsGivesA500() {
    pipeline(exchange -> {
      throw new IllegalStateException("bug");
    });
    assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n")).startsWith("HTTP/1.1 500 ").contains("internal_error");
  }

  @Test
  void handlerThatForgetsToAnswerGivesA500() {
    pipeline(exchange -> { });
    assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n")).startsWith("HTTP/1.1 500 ");
  }

  @Test
  void streamBodyIsPreFramedChunksAfterTheHead() {
    pipeline(exchange -> {
      SseStream stream = exchange.openStream();
      stream.send(dev.herald.sse.SseEvent.of("hello"));
      stream.flush();
    });
    String out = exchange("GET /s HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(out).startsWith("HTTP/1.1 200 OK\r\n")
        .contains("transfer-encoding: chunked\r\n")
        .endsWith("\r\n\r\n4\r\n: \n\n\r\nd\r\ndata: hello\n\n\r\n");
  }

  @Test
  void requestsOnAStreamingConnectionAreIgnored() {
    int[] calls = {0};
    pipeline(exchange -> {
      calls[0]++;
      exchange.openStream();
    });
    exchange("GET /s HTTP/1.1\r\nHost: h\r\n\r\n");
    exchange("GET /again HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(calls[0]).isEqualTo(1);
  }
}
