package dev.herald.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sets up each accepted connection: TLS when configured, the {@link ConnectionGuard}, then HTTP/1.1
 * or HTTP/2. Over TLS the protocol is what ALPN chose; in cleartext a connection that opens with the
 * HTTP/2 preface is HTTP/2 "with prior knowledge" (h2c, as proxies and service meshes speak it), any
 * other is HTTP/1.1. Each HTTP/2 stream gets its own child channel whose pipeline turns frames into
 * the same request and response objects as HTTP/1.1, so one {@link RequestHandler} serves both.
 */
final class ConnectionInitializer extends ChannelInitializer<SocketChannel> {
  private static final System.Logger LOG = System.getLogger(ConnectionInitializer.class.getName());

  private final ServerConfig config;
  private final RequestHandler handler;

  ConnectionInitializer(ServerConfig config, RequestHandler handler) {
    this.config = config;
    this.handler = handler;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (config.sslContext != null) {
      // The guard sits behind TLS so that its refusals and 408s are encrypted like everything else.
      pipeline.addLast(config.sslContext.newHandler(channel.alloc()))
          .addLast(new ConnectionGuard(config, true))
          .addLast(new AlpnSelector());
    } else {
      pipeline.addLast(new ConnectionGuard(config, false)).addLast(new PriorKnowledgeSniffer());
    }
  }

  private void http1(ChannelPipeline pipeline) {
    http1(pipeline, config, handler);
  }

  /**
   * The HTTP/1.1 handlers, in order. The {@link PipelineGate} sits before the aggregator so that no
   * request pipelined behind another is aggregated, handled or even read before the other's answer;
   * the {@link BodyBudgetHandler} between them charges the current request's body as it arrives, and
   * {@link StreamedBody}, before it, takes the bodies that are streamed instead of collected.
   */
  static void http1(ChannelPipeline pipeline, ServerConfig config, RequestHandler handler) {
    pipeline.addLast(new HttpRequestDecoder(new HttpDecoderConfig()
            .setMaxInitialLineLength(config.maxRequestLineLength)
            .setMaxHeaderSize(config.maxHeaderSize)))
        .addLast(new HttpResponseEncoder())
        .addLast(new PipelineGate());
    if (config.streamedRequests != null) {
      pipeline.addLast(new StreamedBody(config.streamedRequests, config));
    }
    pipeline.addLast(new BodyBudgetHandler(config.bodyBudget, config.maxBodySize))
        .addLast(new BodyAggregator(config.maxBodySize))
        .addLast(new RequestDispatcher(handler, config));
  }

  private void http2(ChannelPipeline pipeline) {
    ConnectionGuard guard = pipeline.get(ConnectionGuard.class);
    if (guard != null) {
      guard.multiplexed();
    }
    Http2Settings settings = Http2Settings.defaultSettings()
        .maxConcurrentStreams(config.maxConcurrentStreams)
        .maxHeaderListSize(config.maxHeaderSize + config.maxRequestLineLength);
    pipeline.addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).validateHeaders(true).build())
        .addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel stream) {
            // A stream's unsent bytes (queued behind its flow-control window or the socket) count
            // against the same slow-consumer limit as an HTTP/1.1 connection's.
            stream.config().setWriteBufferWaterMark(new WriteBufferWaterMark(
                config.writeBufferHighWaterMark / 2, config.writeBufferHighWaterMark));
            stream.pipeline()
                .addLast(ConnectionGuard.forStream(config))
                .addLast(new Http2StreamFrameToHttpObjectCodec(true));
            if (config.streamedRequests != null) {
              stream.pipeline().addLast(new StreamedBody(config.streamedRequests, config));
            }
            stream.pipeline()
                .addLast(new BodyBudgetHandler(config.bodyBudget, config.maxBodySize))
                .addLast(new BodyAggregator(config.maxBodySize))
                .addLast(new RequestDispatcher(handler, config));
          }
        }));
    // A stream whose body waits (a streamed body paused by its handler) holds up to its own window
    // unread; with the default connection window, which is one stream's, that one stream would stall
    // the bodies of every other stream of the connection. The connection window fits them all.
    long connectionWindow = Math.min((long) config.maxConcurrentStreams * Http2CodecUtil.DEFAULT_WINDOW_SIZE,
        Http2CodecUtil.MAX_INITIAL_WINDOW_SIZE);
    if (connectionWindow > Http2CodecUtil.DEFAULT_WINDOW_SIZE) {
      pipeline.writeAndFlush(
          new DefaultHttp2WindowUpdateFrame((int) (connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE)));
    }
  }

  /** Chooses the pipeline for the protocol ALPN agreed on; without ALPN, HTTP/1.1. */
  private final class AlpnSelector extends ApplicationProtocolNegotiationHandler {
    AlpnSelector() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        http2(ctx.pipeline());
      } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
        http1(ctx.pipeline());
      } else {
        ctx.close();
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      // Scanners and plain-HTTP clients fail handshakes all day: worth a debug line, not a warning.
      LOG.log(System.Logger.Level.DEBUG, "TLS handshake failed from " + ctx.channel().remoteAddress()
          + ": " + cause.getMessage());
      ctx.close();
    }
  }

  /**
   * Reads just enough of a cleartext connection to tell the HTTP/2 client preface from an HTTP/1.1
   * request line, installs that protocol's handlers, and hands them what it read.
   */
  private final class PriorKnowledgeSniffer extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int available = Math.min(in.readableBytes(), PREFACE.length);
      for (int i = 0; i < available; i++) {
        if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
          choose(ctx, false);
          return;
        }
      }
      if (available == PREFACE.length) {
        choose(ctx, true);
      }
    }

    private void choose(ChannelHandlerContext ctx, boolean http2) {
      if (http2) {
        http2(ctx.pipeline());
      } else {
        http1(ctx.pipeline());
      }
      ctx.pipeline().remove(this); // passes the bytes read so far on to the new handlers
    }
  }
}
