package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of every connection (behind TLS when configured): refuses connections over the
 * total and per-address limits, and closes connections that hold the server without sending a
 * request. A connection that sends no byte for the idle timeout (after connecting or after its last
 * response) is closed; one that starts a request but does not finish it within the request timeout
 * (slowloris) gets 408 and is closed. Event streams are exempt from both once open: their liveness is
 * the heartbeat's business.
 *
 * <p>An HTTP/2 connection is idle only while it has no open stream; each of its streams has a guard
 * of its own ({@link #forStream}) that resets the stream when its request does not arrive in time.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
  /** Open connections, shared by every connection of one server. */
  static final class Counts {
    final AtomicInteger total = new AtomicInteger();
    final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();
  }

  private final ServerConfig config;
  private final boolean tls;
  private final boolean stream;
  private ConnectionGuard connection;
  private boolean multiplexed;
  private int openStreams;
  private InetAddress address;
  private boolean counted;
  private boolean requestStarted;
  private boolean exempt;
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext context;

  ConnectionGuard(ServerConfig config, boolean tls) {
    this(config, tls, false);
  }

  private ConnectionGuard(ServerConfig config, boolean tls, boolean stream) {
    this.config = config;
    this.tls = tls;
    this.stream = stream;
  }

  /** A guard for one HTTP/2 stream: only the request timeout, and it keeps its connection busy. */
  static ConnectionGuard forStream(ServerConfig config) {
    return new ConnectionGuard(config, false, true);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    context = ctx;
    if (stream) {
      // A stream exists because its request has started.
      connection = ctx.channel().parent().pipeline().get(ConnectionGuard.class);
      if (connection != null) {
        connection.streamOpened();
      }
      requestStarted = true;
      arm(ctx, config.requestTimeout.toNanos(), true);
      ctx.fireChannelActive();
      return;
    }
    address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    int total = config.counts.total.incrementAndGet();
    int mine = address == null ? 0
        : config.counts.byAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    counted = true;
    if (total > config.maxConnections) {
      config.connectionsRefused.incrementAndGet();
      refuse(ctx, 503, "Service Unavailable", "too_many_connections: the server is at its connection limit; retry later");
      return;
    }
    if (config.maxConnectionsPerAddress > 0 && mine > config.maxConnectionsPerAddress) {
      config.connectionsRefused.incrementAndGet();
      refuse(ctx, 429, "Too Many Requests", "too_many_connections: this address has "
          + config.maxConnectionsPerAddress + " connections open already");
      return;
    }
    arm(ctx, config.idleTimeout.toNanos(), false);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    if (connection != null) {
      connection.streamClosed();
      connection = null;
    }
    if (counted) {
      counted = false;
      config.counts.total.decrementAndGet();
      if (address != null) {
        config.counts.byAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    requestStarted();
    ctx.fireChannelRead(msg);
  }

  /**
   * A request has begun to arrive: its bytes came in now, or it was read earlier, pipelined behind
   * another, and is handled now that the other is answered. It must arrive whole within the request
   * timeout.
   */
  void requestStarted() {
    if (!requestStarted && !exempt && !multiplexed && context != null) {
      requestStarted = true;
      arm(context, config.requestTimeout.toNanos(), true);
    }
  }

  /** The whole request arrived: no request timeout while the application answers. */
  void requestReceived() {
    cancel();
  }

  /** A whole answer was written: the connection is idle until its next request. */
  void responded() {
    if (!exempt && !stream && context != null) {
      requestStarted = false;
      arm(context, config.idleTimeout.toNanos(), false);
    }
  }

  /** The connection now carries an event stream: no more timeouts. */
  void streaming() {
    exempt = true;
    cancel();
  }

  /** The connection now speaks HTTP/2: it is idle while no stream is open, and never "mid-request". */
  void multiplexed() {
    multiplexed = true;
    requestStarted = false;
    if (openStreams == 0 && context != null) {
      arm(context, config.idleTimeout.toNanos(), false);
    }
  }

  private void streamOpened() {
    if (openStreams++ == 0) {
      cancel();
    }
  }

  private void streamClosed() {
    if (--openStreams == 0 && context != null && context.channel().isActive()) {
      arm(context, config.idleTimeout.toNanos(), false);
    }
  }

  private void arm(ChannelHandlerContext ctx, long nanos, boolean request) {
    cancel();
    if (nanos > 0) {
      timer = ctx.executor().schedule(() -> expire(ctx, request), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(ChannelHandlerContext ctx, boolean request) {
    if (exempt || !ctx.channel().isActive()) {
      return;
    }
    config.connectionsTimedOut.incrementAndGet();
    if (request && !stream) {
      refuse(ctx, 408, "Request Timeout", "request_timeout: the request did not arrive in time");
    } else {
      ctx.close();
    }
  }

  /**
   * Answers directly on the socket (before the HTTP codec) and closes; over TLS, where a connection
   * refused at accept has not chosen HTTP/1.1 or HTTP/2 yet, it only closes.
   */
  private void refuse(ChannelHandlerContext ctx, int status, String reason, String message) {
    if (tls && !requestStarted) {
      ctx.close();
      return;
    }
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
    ByteBuf response = Unpooled.buffer(head.length() + body.length)
        .writeBytes(head.getBytes(StandardCharsets.US_ASCII)).writeBytes(body);
    // A slow request may still be arriving: linger so the 408 is not lost to a reset. A connection
    // refused at accept has sent nothing yet and is simply closed, freeing its slot at once.
    ctx.writeAndFlush(response).addListener(requestStarted ? LingeringClose.INSTANCE : ChannelFutureListener.CLOSE);
  }
}
