package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Diverts the bodies of streamed requests ({@link StreamedRequests}) around the body budget and the
 * aggregator: the request's head goes on at once as a {@link StreamedRequest}, and its body is handed
 * to the application's {@link BodyReceiver} as it arrives. Other requests pass through untouched.
 *
 * <p>Flow control: while the application has paused the body ({@link HttpExchange#pauseBody}), or has
 * not started receiving it yet (its authorization may still be verified), the socket (or HTTP/2
 * stream) is not read; what one read already brought waits here. A body without a byte for the idle
 * timeout, while the application waits for it, is aborted and the connection closed. Once the
 * exchange is answered before its body ended, the rest of the body is read and dropped (the answer
 * closes the connection).
 */
final class StreamedBody extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(StreamedBody.class.getName());
  /** Bytes waiting for the application before the socket is no longer read. */
  static final int PENDING_LIMIT = 64 * 1024;

  private enum State { IDLE, STREAMING, DROPPING }

  private final StreamedRequests streamed;
  private final ServerConfig config;
  private State state = State.IDLE;
  private ChannelHandlerContext context;
  private BodyReceiver receiver;
  private boolean paused;
  private boolean delivering;
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private int pendingBytes;
  private ScheduledFuture<?> idleTimer;
  private long lastReadNanos;
  /** The client waits for {@code 100 Continue} before sending the body (curl does for uploads). */
  private boolean expectsContinue;

  StreamedBody(StreamedRequests streamed, ServerConfig config) {
    this.streamed = streamed;
    this.config = config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.IDLE) {
      if (msg instanceof HttpRequest head && head.decoderResult().isSuccess() && streams(head)) {
        start(ctx, head);
        if (msg instanceof FullHttpRequest whole) {
          // A request that came whole at once (HTTP/2 headers that end the stream, an empty body):
          // its body goes the same way, so the handler sees one kind of request.
          channelRead(ctx, new DefaultLastHttpContent(whole.content().retain()));
          whole.release();
        }
        return;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    if (!(msg instanceof HttpContent content)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == State.DROPPING) {
      content.release();
      if (content instanceof LastHttpContent) {
        state = State.IDLE;
      }
      return;
    }
    lastReadNanos = System.nanoTime();
    pending.add(content);
    pendingBytes += content.content().readableBytes();
    deliver();
  }

  private boolean streams(HttpRequest head) {
    CharSequence type = HttpUtil.getMimeType(head);
    String path;
    try {
      path = new QueryStringDecoder(head.uri(), StandardCharsets.UTF_8).path();
    } catch (IllegalArgumentException malformed) {
      path = null;
    }
    return streamed.streamsBody(head.method().name(), path,
        type == null ? "" : type.toString().toLowerCase(Locale.ROOT));
  }

  private void start(ChannelHandlerContext ctx, HttpRequest head) {
    state = State.STREAMING;
    abortedBeforeReceiving = null;
    receiver = null;
    paused = false;
    lastReadNanos = System.nanoTime();
    // The decoder has undone the chunking: "chunked" goes, as the aggregator removes it; any other
    // coding stays ("gzip, chunked" too), and the dispatcher refuses it.
    HttpUtil.setTransferEncodingChunked(head, false);
    // Answered when the application starts receiving: a request refused before (a bad token) never
    // has its body sent at all. The aggregator downstream must not answer it too.
    expectsContinue = HttpUtil.is100ContinueExpected(head);
    HttpUtil.set100ContinueExpected(head, false);
    armIdleTimer();
    ctx.fireChannelRead(new StreamedRequest(head, this));
  }

  /** Called by the exchange: from now on the body goes to {@code receiver}. */
  void receive(BodyReceiver bodyReceiver) {
    if (abortedBeforeReceiving != null) {
      String reason = abortedBeforeReceiving;
      abortedBeforeReceiving = null;
      bodyReceiver.onAbort(reason);
      return;
    }
    if (state != State.STREAMING || receiver != null) {
      throw new IllegalStateException("the body is being received already, or is over");
    }
    receiver = bodyReceiver;
    lastReadNanos = System.nanoTime(); // idle counts from when the application waits for the client
    if (expectsContinue) {
      expectsContinue = false;
      context.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
    deliver();
  }

  void pause() {
    paused = true;
  }

  void resume() {
    if (paused) {
      paused = false;
      lastReadNanos = System.nanoTime(); // the time the application paused the body is not the client's idling
      deliver();
    }
  }

  /** Whether the body is still arriving (it has neither ended nor been aborted). */
  boolean arriving() {
    return state == State.STREAMING;
  }

  /** The exchange was answered: a body still arriving is dropped from now on. */
  void answered() {
    if (state == State.STREAMING) {
      state = State.DROPPING;
      receiver = null;
      boolean ended = false;
      for (HttpContent content = pending.poll(); content != null; content = pending.poll()) {
        ended |= content instanceof LastHttpContent;
        content.release();
      }
      pendingBytes = 0;
      cancelIdleTimer();
      if (ended) {
        state = State.IDLE;
      }
      context.channel().config().setAutoRead(true);
    }
  }

  /** Hands pending pieces to the receiver while it is not paused; reads more only when all went. */
  private void deliver() {
    if (delivering) {
      return; // a receiver that resumes from inside onData: the loop below goes on
    }
    delivering = true;
    try {
      while (receiver != null && !paused && state == State.STREAMING && !pending.isEmpty()) {
        HttpContent content = pending.poll();
        pendingBytes -= content.content().readableBytes();
        BodyReceiver target = receiver;
        try {
          ByteBuf bytes = content.content();
          if (bytes.isReadable()) {
            target.onData(bytes.nioBuffer());
          }
          if (content.decoderResult().isFailure() && state == State.STREAMING && receiver == target) {
            // A malformed chunk: the decoder ends the message there, but the body did not end as framed.
            abort("the body is malformed: " + content.decoderResult().cause().getMessage());
            context.close();
          } else if (content instanceof LastHttpContent && state == State.STREAMING && receiver == target) {
            state = State.IDLE;
            receiver = null;
            cancelIdleTimer();
            target.onEnd();
          }
        } catch (RuntimeException failure) {
          // Thrown into whoever made us deliver (a read, or the application's resumeBody or receiveBody):
          // the body would stay unread with its connection open. It ends here instead.
          LOG.log(System.Logger.Level.WARNING, "the receiver of a streamed body failed; its connection closes",
              failure);
          try {
            if (state == State.STREAMING) {
              abort("the receiver failed: " + failure);
            }
          } finally {
            context.close();
          }
        } finally {
          content.release();
        }
      }
    } finally {
      delivering = false;
    }
    boolean waiting = receiver == null || paused;
    // Once the body is over (ended, or dropped) reading goes on whatever a pause left: the connection's
    // next request must be read (the pipeline gate holds it back until this one is answered).
    context.channel().config().setAutoRead(state != State.STREAMING
        || !(waiting && (pendingBytes >= PENDING_LIMIT || paused)));
  }

  private void armIdleTimer() {
    cancelIdleTimer();
    long nanos = config.idleTimeout.toNanos();
    if (nanos > 0) {
      idleTimer = context.executor().schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Idle means the client sent nothing while the application was ready for more. */
  private void checkIdle() {
    idleTimer = null;
    if (state != State.STREAMING) {
      return;
    }
    long quiet = System.nanoTime() - lastReadNanos;
    long limit = config.idleTimeout.toNanos();
    boolean waitingForClient = receiver != null && !paused && pending.isEmpty();
    if (waitingForClient && quiet >= limit) {
      config.connectionsTimedOut.incrementAndGet();
      abort("no part of the body arrived for " + config.idleTimeout.toSeconds() + " s");
      context.close();
      return;
    }
    long next = waitingForClient ? limit - quiet : limit;
    idleTimer = context.executor().schedule(this::checkIdle, next, TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  private void abort(String reason) {
    BodyReceiver target = receiver;
    state = State.DROPPING;
    receiver = null;
    cancelIdleTimer();
    for (HttpContent content = pending.poll(); content != null; content = pending.poll()) {
      content.release();
    }
    pendingBytes = 0;
    if (target != null) {
      target.onAbort(reason);
    } else {
      abortedBeforeReceiving = reason;
    }
  }

  /** Why the body ended before the application asked for it, for a receiver that comes later. */
  private String abortedBeforeReceiving;

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.STREAMING) {
      abort("the connection closed before the body ended");
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (HttpContent content = pending.poll(); content != null; content = pending.poll()) {
      ReferenceCountUtil.release(content);
    }
    cancelIdleTimer();
  }
}
