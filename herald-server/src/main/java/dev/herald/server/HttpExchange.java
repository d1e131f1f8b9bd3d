package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request and the means to answer it: a whole response, or an open event stream. Use it
 * only on the event loop that called the {@link RequestHandler}, and only during that call (the
 * request's memory is released afterwards).
 */
public final class HttpExchange {
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest request;
  private final QueryStringDecoder uri;
  private final ServerConfig config;
  private boolean answered;
  private boolean deferred;
  private final boolean keepAlive;
  private final java.util.List<String> extraHeaders = new java.util.ArrayList<>();
  /** The body of a streamed request ({@link StreamedRequests}), or null. */
  private final StreamedBody streamedBody;

  HttpExchange(ChannelHandlerContext ctx, FullHttpRequest request, ServerConfig config) {
    this(ctx, request, config, null);
  }

  HttpExchange(ChannelHandlerContext ctx, FullHttpRequest request, ServerConfig config, StreamedBody streamedBody) {
    this.streamedBody = streamedBody;
    this.ctx = ctx;
    this.request = request;
    this.uri = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
    this.config = config;
    this.keepAlive = HttpUtil.isKeepAlive(request);
  }

  /**
   * Promises an answer after the handler returns, e.g. once a log write or read completes. Read
   * everything needed from the request first: its body is released when the handler returns. Answer
   * later from the event loop, through {@link #execute}.
   */
  public void deferAnswer() {
    deferred = true;
  }

  /** Runs {@code task} on this connection's event loop (at once if already there). */
  public void execute(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  /** The event loop that owns this connection. */
  public io.netty.channel.EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  /** Completes when the connection closes. */
  public io.netty.channel.ChannelFuture closeFuture() {
    return ctx.channel().closeFuture();
  }

  /**
   * Ends the exchange: its event stream, if one is open, ends cleanly (the client sees the end of
   * the response and reconnects), else the connection closes (an HTTP/2 exchange: its stream alone).
   */
  public void close() {
    SseStream stream = ctx.channel().attr(SseStream.STREAM).get();
    if (stream != null) {
      stream.close();
    } else {
      ctx.channel().close();
    }
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return ctx.channel().isActive();
  }

  /** The method, upper case as sent. */
  public String method() {
    return request.method().name();
  }

  /** The decoded path. */
  public String path() {
    return uri.path();
  }

  /** The path as sent, %-escapes kept: for paths whose segments may hold an encoded {@code /}. */
  public String rawPath() {
    return uri.rawPath();
  }

  /** The decoded query parameters; a repeated name has several values, in order. */
  public Map<String, List<String>> query() {
    return uri.parameters();
  }

  /** The first value of the query parameter, or {@code null}. */
  public String queryParameter(String name) {
    List<String> values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a request header, or {@code null}. */
  public String header(String name) {
    return request.headers().get(name);
  }

  /** The value of the named cookie, or {@code null}. */
  public String cookie(String name) {
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return null;
    }
    for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
      if (cookie.name().equals(name)) {
        return cookie.value();
      }
    }
    return null;
  }

  /** Whether this request's body is streamed ({@link StreamedRequests}): read it with {@link #receiveBody}. */
  public boolean streamedBody() {
    return streamedBody != null;
  }

  /**
   * Starts handing a streamed body to {@code receiver} as it arrives, on this exchange's event loop;
   * what arrived before this call comes first. Call it once, after {@link #deferAnswer}. Answering
   * before the body ended closes the connection after the answer (the rest of the body is dropped).
   *
   * @throws IllegalStateException if the body is not streamed or is received already
   */
  public void receiveBody(BodyReceiver receiver) {
    requireStreamed().receive(receiver);
  }

  /** Stops reading the streamed body (back-pressure): the socket is not read until {@link #resumeBody}. */
  public void pauseBody() {
    requireStreamed().pause();
  }

  /** Reads the streamed body again after {@link #pauseBody}; pieces already read are handed on first. */
  public void resumeBody() {
    requireStreamed().resume();
  }

  private StreamedBody requireStreamed() {
    if (streamedBody == null) {
      throw new IllegalStateException("the body of " + this + " is not streamed");
    }
    return streamedBody;
  }

  /** The request body as UTF-8 text. */
  public String bodyText() {
    return request.content().toString(StandardCharsets.UTF_8);
  }

  /** The body's media type essence, lower case ({@code ""} when absent). */
  public String contentType() {
    CharSequence type = HttpUtil.getMimeType(request);
    return type == null ? "" : type.toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** An {@code application/x-www-form-urlencoded} body's fields; a repeated name has several values. */
  public Map<String, List<String>> form() {
    return new QueryStringDecoder("?" + bodyText(), StandardCharsets.UTF_8, true, 1024).parameters();
  }

  /** The peer's IP address, for logs. */
  public String remoteAddress() {
    SocketAddress address = ctx.channel().remoteAddress();
    return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
  }

  /** Adds a header to whichever response this exchange sends (e.g. CORS headers set by a router). */
  public void addResponseHeader(String name, String value) {
    extraHeaders.add(name);
    extraHeaders.add(value);
  }

  /** Sends an empty response (e.g. 204 to a CORS preflight). */
  public void respondEmpty(int status, String... headerPairs) {
    requireUnanswered();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    addHeaders(response, headerPairs);
    finish(response);
  }

  /**
   * Sends a whole response with a UTF-8 text body. Header pairs are name, value, name, value...
   * The connection stays open if the client asked for keep-alive.
   */
  public void respond(int status, String contentType, String body, String... headerPairs) {
    requireUnanswered();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    addHeaders(response, headerPairs);
    finish(response);
  }

  private void finish(FullHttpResponse response) {
    addHeaders(response, extraHeaders.toArray(new String[0]));
    boolean keepOpen = keepAlive && !config.closing();
    if (streamedBody != null && streamedBody.arriving()) {
      // Answered before its body ended: the rest is dropped and the connection closes after the answer.
      keepOpen = false;
      streamedBody.answered();
    }
    HttpUtil.setKeepAlive(response, keepOpen);
    ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
    if (guard != null) {
      guard.responded(); // before the write: once it is written, a pipelined request may start at once
    }
    var written = ctx.writeAndFlush(response);
    if (!keepOpen) {
      // Lingering: a client that pipelined more after this request must still read this answer
      // (closing with its bytes unread would make the kernel reset the connection).
      written.addListener(LingeringClose.INSTANCE);
    }
  }

  /**
   * Answers 200 with {@code text/event-stream} and the given headers, writes a comment at once (so
   * proxies pass the headers on), and returns the stream. The connection is the stream's from now on.
   */
  public SseStream openStream(String... headerPairs) {
    requireUnanswered();
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
        .set("X-Accel-Buffering", "no");
    addHeaders(response, headerPairs);
    addHeaders(response, extraHeaders.toArray(new String[0]));
    return SseStream.open(ctx, response, config);
  }

  boolean answered() {
    return answered;
  }

  boolean deferred() {
    return deferred;
  }

  private void requireUnanswered() {
    if (answered) {
      throw new IllegalStateException("already answered");
    }
    answered = true;
  }

  private static void addHeaders(HttpResponse response, String... pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("header pairs must come as name, value");
    }
    for (int i = 0; i < pairs.length; i += 2) {
      response.headers().add(pairs[i], pairs[i + 1]);
    }
  }

  /** For logs: method and path, without the query, which may carry a token ({@code authorization=}). */
  @Override
  public String toString() {
    String target = request.uri();
    int query = target.indexOf('?');
    return method() + " " + (query < 0 ? target : target.substring(0, query) + "?...");
  }
}
