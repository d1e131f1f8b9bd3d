package dev.herald.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after an error response the way careful servers do (nginx's lingering close):
 * send FIN, then keep reading and dropping what the client still sends, for a moment, before closing.
 * Closing at once while request bytes are still arriving makes the kernel answer them with a reset,
 * and a reset can destroy the error response before the client reads it.
 *
 * <p>An HTTP/2 stream has no such hazard: its answer is complete, and {@code RST_STREAM} with
 * {@code NO_ERROR} asks the client to stop sending the rest of its body without calling the request
 * failed (RFC 9113, section 8.1); closing the stream alone would reset it with {@code CANCEL}.
 */
final class LingeringClose implements ChannelFutureListener {
  /** How long to wait for the client to stop sending and close its side. */
  static final long LINGER_MILLIS = 2_000;
  static final LingeringClose INSTANCE = new LingeringClose();

  private LingeringClose() {}

  /** Use as the listener of the error response's write. */
  @Override
  public void operationComplete(ChannelFuture written) {
    Channel channel = written.channel();
    if (written.isSuccess() && channel instanceof Http2StreamChannel && channel.isActive()) {
      channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
          .addListener(reset -> channel.close()); // a stream the client already ended is just closed
      return;
    }
    if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
      channel.close();
      return;
    }
    duplex.shutdownOutput().addListener(shut ->
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
  }
}
