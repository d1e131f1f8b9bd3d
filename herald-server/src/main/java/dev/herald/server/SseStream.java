package dev.herald.server;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open {@code text/event-stream} response: an HTTP/1.1 connection or one HTTP/2 stream. Every
 * method must be called on {@link #eventLoop()}. Chunks come framed for HTTP/1.1
 * ({@link SseChunks#frame}); an HTTP/2 stream sends the same shared memory minus the chunk framing as
 * DATA frames, so one encoding still serves both protocols. Writes are not flushed until {@link #flush()}, so a burst of events
 * becomes one syscall. A connection whose unsent bytes pass the server's write-buffer high-water
 * mark is closed before more is queued: the client reconnects with its Last-Event-ID instead of
 * holding memory here.
 *
 * <p>Writes and flushes start at the HTTP/1.1 {@link PipelineGate}'s context, not at the pipeline's
 * tail: the handlers behind the gate only read requests, and the gate passes a stream's chunks on
 * untouched, but walking past them for every write and flush was 9% of the hub's samples with 3,000
 * streams (docs/benchmarks.md). Without a gate (HTTP/2) they go through {@code channel.pipeline()},
 * which is what a channel's own methods do, except an {@code EmbeddedChannel}'s: those run queued
 * tasks in the middle of a delivery, and the fan-out's tests must see what a real event loop would do.
 */
public final class SseStream {
  static final AttributeKey<SseStream> STREAM = AttributeKey.valueOf("herald.stream");

  private static final System.Logger LOG = System.getLogger(SseStream.class.getName());

  private final Channel channel;
  /** Where writes and flushes start: the gate's context (HTTP/1.1) or the channel's pipeline. */
  private final ChannelOutboundInvoker out;
  private final ServerConfig config;
  private final boolean http2;
  /** Written since the shard's last heartbeat pass (a flag, not a clock read per write). */
  private boolean written = true;
  /** Heartbeat passes in a row that found it unwritten. */
  private int quietPasses;
  /** With io_uring: how long a stream over the high-water mark has to take bytes before it is judged slow. */
  static final long VERDICT_MILLIS = 500;
  /** With io_uring: how far past the high-water mark a stream may be while its verdict waits. */
  static final long BURST_ALLOWANCE = 16L << 20;
  /** Pending bytes when the deferred verdict last looked; -1: no verdict waits. */
  private long judgedPending = -1;
  /** Bytes queued since the deferred verdict last looked. */
  private long addedSinceJudged;
  /** Closed as too slow: nothing more is queued, and it is not counted twice. */
  private boolean closedAsSlow;
  /** Whether its shard has it on the list of streams to flush (so it is listed once per flush). */
  boolean awaitingFlush;

  private SseStream(Channel channel, ChannelOutboundInvoker out, ServerConfig config) {
    this.channel = channel;
    this.out = out;
    this.config = config;
    this.http2 = channel instanceof Http2StreamChannel;
  }

  static SseStream open(ChannelHandlerContext ctx, HttpResponse head, ServerConfig config) {
    ctx.write(head);
    if (ctx.pipeline().get(HttpResponseEncoder.class) != null) {
      // From here on the body is pre-framed chunks shared between subscribers: bypass the encoder.
      ctx.pipeline().remove(HttpResponseEncoder.class);
    }
    ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
    if (guard != null) {
      guard.streaming();
    }
    PipelineGate gate = ctx.pipeline().get(PipelineGate.class);
    if (gate != null) {
      gate.streaming(); // a request pipelined behind a stream that never ends is never answered
    }
    ChannelHandlerContext gateContext = ctx.pipeline().context(PipelineGate.class);
    SseStream stream = new SseStream(ctx.channel(), gateContext != null ? gateContext : ctx.channel().pipeline(), config);
    ctx.channel().attr(STREAM).set(stream);
    AtomicInteger open = stream.http2 ? config.http2Streams : config.http1Streams;
    open.incrementAndGet();
    ctx.channel().closeFuture().addListener(closed -> open.decrementAndGet());
    config.streams.add(ctx.channel());
    stream.send(SseEvent.comment(""));
    stream.flush();
    return stream;
  }

  /** The event loop that owns this connection. */
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** The connection's buffer allocator. */
  io.netty.buffer.ByteBufAllocator alloc() {
    return channel.alloc();
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
  boolean write(ByteBuf chunk) {
    int bytes = chunk.readableBytes();
    if (writeUncounted(chunk)) {
      config.bytesWritten.add(bytes);
      return true;
    }
    return false;
  }

  /**
   * {@link #write} without adding to the server's byte count: the fan-out, writing one chunk to
   * many streams, adds once per update instead of once per subscriber.
   */
  boolean writeUncounted(ByteBuf chunk) {
    if (!channel.isActive() || closedAsSlow) {
      chunk.release();
      return false;
    }
    if (!channel.isWritable()) {
      // Over the limit with writes not flushed yet (a burst delivered in one go, e.g. a streaming
      // publish's batch), the reader is not slow: what the socket takes now does not count.
      out.flush();
    }
    if (!channel.isWritable() && !verdictDeferred()) {
      chunk.release();
      closeAsSlowConsumer();
      return false;
    }
    int bytes = chunk.readableBytes();
    out.write(http2 ? dataFrame(chunk) : chunk, channel.voidPromise());
    if (judgedPending >= 0) {
      addedSinceJudged += bytes;
    }
    written = true;
    return true;
  }

  /**
   * Whether the slow-consumer verdict on a stream over the high-water mark waits. With epoll or NIO a
   * flush hands the bytes to the socket at once, so a stream still over the mark after one is behind:
   * no wait. With io_uring a flush only queues the writes for the loop's next I/O round, so in the
   * middle of a burst even a fast reader is over the mark: the verdict then waits until the reader
   * has had {@link #VERDICT_MILLIS}, and again as long as it keeps taking bytes; a reader that took
   * nothing in that time is closed, and so is one more than {@link #BURST_ALLOWANCE} over the mark
   * meanwhile (the bound on what it holds; the bytes of a burst are shared with every subscriber).
   */
  private boolean verdictDeferred() {
    if (config.transport != Transport.IO_URING) {
      return false;
    }
    long pending = pendingBytes();
    if (pending > BURST_ALLOWANCE) {
      return false;
    }
    if (judgedPending < 0) {
      judgedPending = pending;
      addedSinceJudged = 0;
      channel.eventLoop().schedule(this::judge, VERDICT_MILLIS, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** The deferred verdict: still over the mark and nothing taken since the last look is slow. */
  private void judge() {
    if (!channel.isActive() || closedAsSlow || channel.isWritable()) {
      judgedPending = -1;
      return;
    }
    long pending = pendingBytes();
    long taken = judgedPending + addedSinceJudged - pending;
    if (taken > 0) { // behind but reading: look again later
      judgedPending = pending;
      addedSinceJudged = 0;
      channel.eventLoop().schedule(this::judge, VERDICT_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    judgedPending = -1;
    closeAsSlowConsumer();
  }

  /** Unsent bytes past the low-water mark (an HTTP/2 stream counts its own, not its connection's). */
  private long pendingBytes() {
    return channel.bytesBeforeWritable();
  }

  /** The chunk's payload, without the {@code <hex>CRLF} before and the CRLF after it. */
  private static Http2DataFrame dataFrame(ByteBuf chunk) {
    int start = chunk.readerIndex() + chunk.bytesBefore((byte) '\n') + 1;
    chunk.readerIndex(start).writerIndex(chunk.writerIndex() - 2);
    return new DefaultHttp2DataFrame(chunk);
  }

  /**
   * Queues a chunk of a replay page whatever the high-water mark (a page is bounded by the replay
   * budget instead, and the next one waits for this one to reach the socket). The future completes
   * when the chunk reached the socket, or fails when the connection closed first.
   */
  ChannelFuture writeReplay(ByteBuf chunk) {
    config.bytesWritten.add(chunk.readableBytes());
    written = true;
    // a closed channel fails the write and releases the chunk
    return out.write(http2 ? dataFrame(chunk) : chunk);
  }

  /** Closes the connection at once and counts it as a slow consumer: the client reconnects. */
  void closeAsSlowConsumer() {
    if (closedAsSlow) {
      return; // an io_uring channel may stay active while its close completes: counted once
    }
    closedAsSlow = true;
    config.slowConsumersClosed.incrementAndGet();
    LOG.log(System.Logger.Level.INFO, "subscriber disconnected as too slow: address=" + remoteAddress()
        + " protocol=" + (http2 ? "h2" : "http/1.1") + " unsent_limit_bytes=" + config.writeBufferHighWaterMark);
    channel.close();
  }

  /**
   * Flushes and returns a future that completes once everything queued so far has reached the
   * socket: a long replay waits on it before writing its next page.
   */
  public ChannelFuture flushed() {
    // An empty write's future completes after every write queued before it (same stream, in order).
    return out.writeAndFlush(http2 ? new DefaultHttp2DataFrame(false) : Unpooled.EMPTY_BUFFER);
  }

  /** Encodes and queues one event for this stream alone. */
  public boolean send(SseEvent event) {
    return sendEncoded(SseEncoder.encode(event));
  }

  /**
   * Queues one event already encoded as {@code text/event-stream} bytes, for this stream alone. Like
   * every write, it closes a stream whose unsent bytes passed the high-water mark.
   */
  public boolean sendEncoded(byte[] event) {
    return write(SseChunks.frame(channel.alloc(), event));
  }

  /**
   * Writes and flushes a heartbeat chunk; it does not count as activity, so the next one comes a
   * full heartbeat interval later if nothing else is written. Returns whether it was written.
   */
  boolean heartbeat(ByteBuf chunk) {
    if (!write(chunk)) {
      return false;
    }
    written = false;
    quietPasses = 0;
    flush();
    return true;
  }

  /** Sends what was queued. */
  public void flush() {
    out.flush();
  }

  /** Closes the connection at once, without the last chunk. */
  void abort() {
    channel.close();
  }

  /** Ends the response cleanly (the last chunk) and closes the connection. */
  public void close() {
    if (channel.isActive()) {
      Object end = http2 ? new DefaultHttp2DataFrame(true) : SseChunks.LAST.duplicate();
      channel.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private String remoteAddress() {
    return channel.remoteAddress() instanceof java.net.InetSocketAddress inet
        ? inet.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
  }

  /**
   * Called by each heartbeat pass (every quarter of the heartbeat interval): whether the stream has
   * now been quiet for {@code passes} passes in a row, which starts a new count.
   */
  boolean quietFor(int passes) {
    if (written) {
      written = false;
      quietPasses = 0;
      return false;
    }
    if (++quietPasses < passes) {
      return false;
    }
    quietPasses = 0;
    return true;
  }
}
