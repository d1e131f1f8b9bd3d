package dev.herald.server;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AttributeKey;

/**
 * An open {@code text/event-stream} response on one HTTP/1.1 connection. Every method must be
 * called on {@link #eventLoop()}. Writes are not flushed until {@link #flush()}, so a burst of events
 * becomes one syscall. A connection whose unsent bytes pass the server's write-buffer high-water
 * mark is closed before more is queued: the client reconnects with its Last-Event-ID instead of
 * holding memory here.
 */
public final class SseStream {
  static final AttributeKey<SseStream> STREAM = AttributeKey.valueOf("herald.stream");

  private final Channel channel;
  private final ServerConfig config;
  private long lastWriteNanos = System.nanoTime();

  private SseStream(Channel channel, ServerConfig config) {
    this.channel = channel;
    this.config = config;
  }

  static SseStream open(ChannelHandlerContext ctx, HttpResponse head, ServerConfig config) {
    ctx.write(head);
    // From here on the body is pre-framed chunks shared between subscribers: bypass the encoder.
    ctx.pipeline().remove(HttpResponseEncoder.class);
    ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
    if (guard != null) {
      guard.streaming();
    }
    SseStream stream = new SseStream(ctx.channel(), config);
    ctx.channel().attr(STREAM).set(stream);
    config.streams.add(ctx.channel());
    stream.send(SseEvent.comment(""));
    stream.flush();
    return stream;
  }

  /** The event loop that owns this connection. */
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /** Whether the connection's unsent bytes are under the high-water mark (a replay pauses when not). */
  public boolean isWritable() {
    return channel.isWritable();
  }

  /** Completes when the connection closes, for whatever reason. */
  public ChannelFuture closeFuture() {
    return channel.closeFuture();
  }

  /**
   * Queues a chunk framed by {@link SseChunks#frame} and takes ownership of it. Returns whether it
   * was queued: {@code false} if the stream is closed or was just closed as a slow consumer.
   */
  public boolean write(ByteBuf chunk) {
    if (!channel.isActive()) {
      chunk.release();
      return false;
    }
    if (!channel.isWritable()) {
      chunk.release();
      closeAsSlowConsumer();
      return false;
    }
    channel.write(chunk, channel.voidPromise());
    lastWriteNanos = System.nanoTime();
    return true;
  }

  /** Closes the connection at once and counts it as a slow consumer: the client reconnects. */
  void closeAsSlowConsumer() {
    config.slowConsumersClosed.incrementAndGet();
    channel.close();
  }

  /**
   * Flushes and returns a future that completes once everything queued so far has reached the
   * socket: a long replay waits on it before writing its next page.
   */
  public ChannelFuture flushed() {
    return channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER);
  }

  /** Encodes and queues one event for this stream alone (replays, heartbeats). */
  public boolean send(SseEvent event) {
    return write(SseChunks.frame(channel.alloc(), SseEncoder.encode(event)));
  }

  /** Sends what was queued. */
  public void flush() {
    channel.flush();
  }

  /** Ends the response cleanly (the last chunk) and closes the connection. */
  public void close() {
    if (channel.isActive()) {
      channel.writeAndFlush(SseChunks.LAST.duplicate()).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Nanoseconds since the last write. */
  long idleNanos() {
    return System.nanoTime() - lastWriteNanos;
  }
}
