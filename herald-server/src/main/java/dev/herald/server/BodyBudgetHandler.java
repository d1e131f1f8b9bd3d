package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Charges the body of the request on one HTTP/1.1 connection or HTTP/2 stream to the server's
 * {@link BodyBudget}: each piece as it arrives, before the aggregator keeps it. The request's charge
 * is released when its final answer is written (so a publish holds its bytes until the log has
 * stored it), or when the connection or stream closes first, mid-body included.
 *
 * <p>A body that does not fit is answered {@code 503 overloaded} with {@code Retry-After}: at once
 * when the request's {@code Content-Length} already does not fit (before any {@code 100 Continue}),
 * else when the piece that would cross the budget arrives. Then the connection closes, lingering,
 * because the rest of that body may still be on its way. It sits behind the {@link PipelineGate}, so
 * it sees one request at a time, and in front of the aggregator; once the connection carries an event
 * stream it leaves the pipeline, so the stream's writes do not pass through it.
 */
final class BodyBudgetHandler extends ChannelDuplexHandler {
  private final BodyBudget budget;
  private final int maxBodySize;
  /** Bytes charged for the request being received or answered. */
  private long held;
  /** This connection refused a request: it closes, and nothing more it sends is read. */
  private boolean refused;

  BodyBudgetHandler(BodyBudget budget, int maxBodySize) {
    this.budget = budget;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      long declared = HttpUtil.getContentLength(request, -1L);
      // Larger than a body may be at all is the aggregator's 413, not a 503 to retry.
      if (declared > 0 && declared <= maxBodySize && !budget.fits(declared)) {
        refuse(ctx, msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      int bytes = content.content().readableBytes();
      if (bytes > 0) {
        if (!budget.tryCharge(bytes)) {
          refuse(ctx, msg);
          return;
        }
        held += bytes;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      release(); // the request is answered: its body is no longer held for it
      ctx.write(msg, promise);
      if (!(msg instanceof FullHttpResponse)) {
        ctx.pipeline().remove(this); // an event stream: no more requests, and its writes go past
      }
      return;
    }
    ctx.write(msg, promise);
  }

  private void refuse(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    release();
    refused = true;
    budget.refusedOne();
    byte[] body = ("overloaded: the request bodies being received have reached the server's budget of "
        + budget.limit() + " bytes; retry shortly\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.RETRY_AFTER, "1")
        .set(HttpHeaderNames.CONNECTION, "close");
    ctx.writeAndFlush(response).addListener(LingeringClose.INSTANCE);
  }

  private void release() {
    if (held > 0) {
      budget.release(held);
      held = 0;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release(); // the client left mid-body or before its answer
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }
}
