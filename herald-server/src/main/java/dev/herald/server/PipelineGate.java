package dev.herald.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Makes an HTTP/1.1 connection answer its requests in the order they came (RFC 9112, section 9.3.2)
 * by handling one request at a time: once a request has arrived whole, whatever the client pipelined
 * after it is held here, and the socket is not read further, until the request's final response has
 * been written to the socket; then the next request goes on. Handlers answer later (a publish after
 * the log's group commit) and the next request still never overtakes them.
 *
 * <p>It sits between the request decoder and the body aggregator, so the aggregator never reads
 * ahead for a request that waits here, and what it holds is bounded by what one socket read brought
 * (plus one request's body under the server's limit). After a request with {@code Connection: close},
 * after a response that closes the connection, and once the connection carries an event stream
 * (which never ends, so a request behind it could never be answered in order), whatever the client
 * sends is read and dropped, never handled: reading goes on so that a closed client is noticed and a
 * lingering close is not cut short by a reset. 1xx responses ({@code 100 Continue}) are not answers.
 *
 * <p>Pitfall: the next request is handed on from a task of its own, never from inside the previous
 * response's write, so a handler never runs nested in another request's answer.
 */
final class PipelineGate extends ChannelDuplexHandler {
  private enum State {
    /** Between requests. */
    IDLE,
    /** Part of a request has been passed on; the rest of it goes on too. */
    RECEIVING,
    /** A whole request was passed on; its final response has not been written yet. */
    ANSWERING,
    /** Nothing more will be answered on this connection: input is dropped. */
    DONE
  }

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private State state = State.IDLE;
  /** The request being handled said {@code Connection: close}: it is the connection's last. */
  private boolean lastRequest;
  /** The current request was answered before all of it arrived (e.g. refused for its size). */
  private boolean answeredEarly;
  private ChannelHandlerContext context;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject)) {
      ctx.fireChannelRead(msg);
    } else if (state == State.DONE) {
      ReferenceCountUtil.release(msg);
    } else if (state == State.ANSWERING || !held.isEmpty()) {
      held.add(msg);
      // Stop reading: what is held is what this read brought, not what the client can send.
      ctx.channel().config().setAutoRead(false);
    } else {
      pass(ctx, msg);
    }
  }

  private void pass(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      state = State.RECEIVING;
      lastRequest = !HttpUtil.isKeepAlive(request);
      answeredEarly = false;
    }
    if (msg instanceof LastHttpContent && state == State.RECEIVING) {
      // Set before handing it on: the handler may answer (and the write complete) before this returns.
      state = answeredEarly ? State.IDLE : State.ANSWERING;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    // While requests wait here, nothing downstream (the aggregator) may pull more from the socket.
    if (held.isEmpty()) {
      ctx.read();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.write(msg, promise);
        return;
      }
      if (!HttpUtil.isKeepAlive(response)) {
        lastRequest = true;
      }
    }
    if (msg instanceof LastHttpContent && state != State.DONE) {
      promise = promise.unvoid();
      promise.addListener((ChannelFutureListener) this::written);
      if (lastRequest) {
        done(); // the connection closes after this response: nothing held will be answered
      } else if (state == State.RECEIVING) {
        answeredEarly = true;
      }
    }
    ctx.write(msg, promise);
  }

  /** The connection now carries an event stream: nothing after it can be answered. */
  void streaming() {
    done();
  }

  private void written(ChannelFuture write) {
    if (!write.isSuccess()) {
      done();
      write.channel().close();
      return;
    }
    if (state != State.ANSWERING) {
      return; // answered early (the rest of the request goes on), or done
    }
    state = State.IDLE;
    if (!held.isEmpty()) {
      // Not from inside the write that just completed: the previous answer finishes first.
      context.executor().execute(this::releaseHeld);
    }
  }

  /** Hands on what was held up to the end of the next whole request; reads again once nothing is held. */
  private void releaseHeld() {
    if (!context.channel().isActive()) {
      done();
      return;
    }
    ConnectionGuard guard = context.pipeline().get(ConnectionGuard.class);
    while (!held.isEmpty() && (state == State.IDLE || state == State.RECEIVING)) {
      Object msg = held.poll();
      if (msg instanceof HttpRequest && guard != null) {
        // The request timeout applies to it from now on, until it is received: whole, or at its head
        // for a streamed request (started after, the timer would cut a long stream off with a 408).
        guard.requestStarted();
      }
      pass(context, msg);
    }
    context.fireChannelReadComplete();
    if (held.isEmpty() && state != State.DONE) {
      context.channel().config().setAutoRead(true);
      // A handler downstream may have turned reading on while the rest was still held (a streamed
      // body's receiver): read() held that read back, and turning it on again asks for none.
      context.read();
    }
  }

  private void done() {
    state = State.DONE;
    releaseHeldMessages();
    // Keep reading (and dropping): a client that closes is noticed, a lingering close gets its bytes.
    if (context != null && context.channel().isActive()) {
      context.channel().config().setAutoRead(true);
    }
  }

  private void releaseHeldMessages() {
    for (Object msg = held.poll(); msg != null; msg = held.poll()) {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.DONE;
    releaseHeldMessages();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeldMessages();
  }
}
