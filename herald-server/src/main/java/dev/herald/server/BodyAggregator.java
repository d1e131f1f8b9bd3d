package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Collects a request's body up to the server's limit. Over it, the client gets a 413 that says so
 * (Netty's default is an empty 413) and the connection closes after lingering, so the answer is not
 * lost to a reset while the rest of the body is still arriving. A client that announces too large a
 * body with {@code Expect: 100-continue} gets the same 413 before sending it, and the connection
 * closes (it would otherwise stay open with the refused request's timeout still running).
 */
final class BodyAggregator extends HttpObjectAggregator {
  private final int maxBodySize;

  BodyAggregator(int maxBodySize) {
    super(maxBodySize, true); // true: close after refusing an Expect: 100-continue
    this.maxBodySize = maxBodySize;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.writeAndFlush(tooLarge()).addListener(LingeringClose.INSTANCE);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
    if (answer instanceof FullHttpResponse response
        && response.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      response.release(); // Netty's empty one
      return tooLarge();
    }
    return answer;
  }

  private FullHttpResponse tooLarge() {
    byte[] body = ("body_too_large: the request body exceeds the server's limit of " + maxBodySize
        + " bytes\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close");
    return response;
  }
}
