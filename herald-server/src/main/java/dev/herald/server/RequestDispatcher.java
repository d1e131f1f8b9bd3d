package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/**
 * Hands each complete request to the application's {@link RequestHandler}, after answering what the
 * decoder already refused (414, 431, 400) and what HTTP/1.1 says to refuse but the decoder lets
 * through: another major version on the HTTP/1.1 parser (505), a transfer coding other than chunked
 * (501), a control character in the request target (400). Every refusal closes the connection. Once a
 * connection carries an event stream, anything more the client sends is dropped.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger(RequestDispatcher.class.getName());

  private final RequestHandler handler;
  private final ServerConfig config;

  RequestDispatcher(RequestHandler handler, ServerConfig config) {
    this.handler = handler;
    this.config = config;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (ctx.channel().hasAttr(SseStream.STREAM)) {
      return;
    }
    ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
    if (guard != null) {
      guard.requestReceived();
    }
    if (request.decoderResult().isFailure()) {
      refuse(ctx, request.decoderResult().cause());
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      // Netty's decoder takes any HTTP/x.y and would serve "GET / HTTP/2.0" as HTTP/1.1 keep-alive.
      // (HTTP/2 streams reach here as 1.1 requests; real HTTP/2 is told apart before this parser.)
      refuse(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          "http_version_not_supported: this parser speaks HTTP/1.1 and HTTP/1.0");
      return;
    }
    if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      // The aggregator has removed "chunked"; what is left (gzip, ...) is a coding the body still carries
      // and nobody here undoes: read as plain, it would be misread (RFC 9112, section 6.1).
      refuse(ctx, HttpResponseStatus.NOT_IMPLEMENTED, "not_implemented: the only transfer coding supported is chunked");
      return;
    }
    if (hasControlCharacter(request.uri())) {
      // The decoder checks only the ends of the request line; a NUL or other control character inside
      // is no URI (a raw NUL in ?topic= opened a subscription to a topic holding a NUL).
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request: control character in the request target");
      return;
    }
    HttpExchange exchange = new HttpExchange(ctx, request, config,
        request instanceof StreamedRequest streamed ? streamed.body : null);
    try {
      exchange.path(); // decoded lazily: a broken %-escape must be the client's 400, not our 500
      exchange.query();
    } catch (IllegalArgumentException malformed) {
      exchange.respond(400, "text/plain; charset=utf-8", "bad_request: malformed URI: " + malformed.getMessage() + "\n");
      return;
    }
    try {
      handler.handle(exchange);
      if (!exchange.answered() && !exchange.deferred()) {
        throw new IllegalStateException("the handler returned without answering " + exchange);
      }
    } catch (Throwable e) {
      Failures.rethrowIfFatal(e); // any other failure, a stack overflow included, is this request's
      LOG.log(System.Logger.Level.ERROR, "request failed: " + exchange, e);
      if (exchange.answered()) {
        ctx.close();
      } else {
        exchange.respond(500, "text/plain; charset=utf-8", "internal_error: see the server log\n");
      }
    }
  }

  private static boolean hasControlCharacter(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static void refuse(ChannelHandlerContext ctx, Throwable cause) {
    HttpResponseStatus status;
    String reason;
    if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
      reason = "uri_too_long: the request line exceeds the server's limit";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      reason = "headers_too_large: the request headers exceed the server's limit";
    } else if (cause instanceof TooLongFrameException) {
      status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
      reason = "body_too_large: the request body exceeds the server's limit";
    } else {
      status = HttpResponseStatus.BAD_REQUEST;
      reason = "bad_request: malformed HTTP request";
    }
    refuse(ctx, status, reason);
  }

  /** Answers {@code reason} as text with {@code status}, then closes: after a refusal the framing is suspect. */
  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
    StreamedBody streamed = ctx.pipeline().get(StreamedBody.class);
    if (streamed != null) {
      streamed.answered(); // a streamed body still arriving is dropped until the connection closes
    }
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close");
    ctx.writeAndFlush(response).addListener(LingeringClose.INSTANCE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and broken pipes are how clients leave; nothing to report beyond closing.
    ctx.close();
  }
}
