package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One subscriber connection in an {@link EmbeddedChannel}, for fan-out tests without sockets: the
 * request pipeline answers a {@code GET} with the given handler, and a {@link Socket valve} at the
 * head of the pipeline plays the client's socket, which can stop taking bytes (its writes then stay
 * pending, as with a client that stopped reading) and start again.
 */
final class EmbeddedConnection {
  private static final Pattern ID = Pattern.compile("^id: ?(.*)$", Pattern.MULTILINE);
  private static final Pattern DATA = Pattern.compile("^data: ?(.*)$", Pattern.MULTILINE);

  final EmbeddedChannel channel;
  final Socket socket = new Socket();

  EmbeddedConnection(ServerConfig config, RequestHandler handler) {
    channel = new EmbeddedChannel(socket, new HttpRequestDecoder(), new HttpResponseEncoder(),
        new BodyAggregator(1024), new RequestDispatcher(handler, config));
    // the loop's clock moves only when a test moves it: flush pacing then depends on no machine's speed
    channel.freezeTime();
  }

  /** A server configuration for embedded connections. */
  static ServerConfig config(HttpServer.Builder builder) {
    return new ServerConfig(builder, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
  }

  /** Sends {@code GET target}: the handler runs now. */
  EmbeddedConnection get(String target) {
    channel.writeInbound(Unpooled.copiedBuffer("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n",
        StandardCharsets.US_ASCII));
    return this;
  }

  /** Runs what the loop has queued, then reads everything the socket took since the last call. */
  String read() {
    channel.runPendingTasks();
    return socket.received.toString();
  }

  /** The ids of every event received so far, in order. */
  List<String> ids() {
    return all(ID, read());
  }

  /** The data lines of every event received so far, in order. */
  List<String> data() {
    return all(DATA, read());
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> out = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      out.add(matcher.group(1));
    }
    return out;
  }

  /** Closes the channel and releases what it still holds. */
  void finish() {
    socket.open();
    channel.finishAndReleaseAll();
  }

  /**
   * The client's socket, the end of the pipeline. Like a real channel's outbound buffer it takes
   * writes when flushed, and only while open: shut, it holds them with their promises pending, as a
   * client that stopped reading would. It takes them itself rather than passing them to the
   * {@link EmbeddedChannel}, whose own writes run queued tasks in the middle of a delivery.
   */
  static final class Socket extends ChannelOutboundHandlerAdapter {
    private record Pending(Object message, ChannelPromise promise) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The bytes taken, as text. */
    final StringBuilder received = new StringBuilder();
    /** What arrived at the socket, in order: "write" for each write, "flush" for each flush. */
    final List<String> journal = new ArrayList<>();
    private boolean shut;
    /** How long each flush takes on the loop's clock: a socket whose writes cost time. */
    long flushNanos;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      journal.add("write");
      pending.add(new Pending(msg, promise));
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      journal.add("flush");
      if (flushNanos > 0) {
        ((EmbeddedChannel) ctx.channel()).advanceTimeBy(flushNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      if (!shut) {
        pass(Integer.MAX_VALUE);
      }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      // what the client never took is dropped with the connection, as the kernel would
      while (!pending.isEmpty()) {
        Pending dropped = pending.poll();
        io.netty.util.ReferenceCountUtil.release(dropped.message());
        dropped.promise().tryFailure(new java.nio.channels.ClosedChannelException());
      }
      ctx.close(promise);
    }

    private void pass(int writes) {
      for (int i = 0; i < writes && !pending.isEmpty(); i++) {
        Pending next = pending.poll();
        if (next.message() instanceof ByteBuf bytes) {
          received.append(bytes.toString(StandardCharsets.UTF_8));
        }
        io.netty.util.ReferenceCountUtil.release(next.message());
        next.promise().trySuccess();
      }
    }

    /** Stops taking bytes, like a client that stopped reading with its buffers full. */
    void shut() {
      shut = true;
    }

    /** Takes what was held and everything after. */
    void open() {
      shut = false;
      pass(Integer.MAX_VALUE);
    }

    /** Takes the oldest held write only: a client reading slowly. */
    void takeOne() {
      pass(1);
    }
  }
}
