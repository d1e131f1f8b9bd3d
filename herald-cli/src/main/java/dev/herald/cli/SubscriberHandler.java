package dev.herald.cli;

import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One bench subscription on one channel: sends the GET, expects 200, feeds the body to an
 * {@link EventStreamParser}, and for each event carrying a {@link BenchPayload} of its topic tracks
 * the sequence number and, once measuring, counts the delivery and records its latency. A non-200
 * answer or a failure before it is an error; an end or a failure after it is a disconnection.
 * Remembers the last event id, and when reconnecting in a storm sends it as {@code Last-Event-ID}
 * and checks what arrives with a {@link ReplayCheck}. Confined to its channel's event loop;
 * {@link #tracker} and {@link #replay} are read after the loop stopped.
 */
final class SubscriberHandler extends SimpleChannelInboundHandler<HttpObject> {
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  enum State { CONNECTING, OPEN, FAILED, ENDED }

  final int topic;
  final SequenceTracker tracker = new SequenceTracker();
  private final SubscriberCounters counters;
  private final String host;
  private final String path;
  private final EventStreamParser parser = new EventStreamParser(this::onEvent);
  private final String resumeFrom;
  final ReplayCheck replay;
  private volatile State state = State.CONNECTING;
  private volatile boolean disconnected;
  private volatile String lastEventId;

  SubscriberHandler(SubscriberCounters counters, int topic, String host, String path) {
    this(counters, topic, host, path, null, null);
  }

  /** A subscriber that resumes after {@code resumeFrom} (null: none) and checks the replay (null: none). */
  SubscriberHandler(SubscriberCounters counters, int topic, String host, String path, String resumeFrom,
      ReplayCheck replay) {
    super(true);
    this.counters = counters;
    this.topic = topic;
    this.host = host;
    this.path = path;
    this.resumeFrom = resumeFrom;
    this.replay = replay;
  }

  /** The id of the last event received (the stream's last event ID), or null. */
  String lastEventId() {
    return lastEventId;
  }

  State state() {
    return state;
  }

  /** The stream ended or failed before the bench closed it. */
  boolean disconnected() {
    return disconnected;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    request.headers().set(HttpHeaderNames.HOST, host)
        .set(HttpHeaderNames.ACCEPT, "text/event-stream")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    if (resumeFrom != null && !resumeFrom.isEmpty()) {
      request.headers().set("Last-Event-ID", resumeFrom);
    }
    ctx.writeAndFlush(request);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
    if (message instanceof HttpResponse response) {
      if (response.status().code() == 200) {
        state = State.OPEN;
        counters.opened(topic);
        if (replay != null) {
          replay.opened(System.nanoTime());
        }
      } else {
        fail(ctx, "http " + response.status().code());
        return;
      }
    }
    if (message instanceof HttpContent content && state == State.OPEN) {
      feed(content.content());
      if (content instanceof LastHttpContent) {
        end(ctx);
      }
    }
  }

  private void feed(ByteBuf buf) {
    if (buf.hasArray()) {
      parser.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      return;
    }
    byte[] scratch = SCRATCH.get();
    for (int at = buf.readerIndex(), end = buf.writerIndex(); at < end; ) {
      int n = Math.min(scratch.length, end - at);
      buf.getBytes(at, scratch, 0, n);
      parser.feed(scratch, 0, n);
      at += n;
    }
  }

  private void onEvent(SseEvent event) {
    counters.received.increment();
    if (event.id() != null) {
      lastEventId = event.id();
    }
    BenchPayload payload = BenchPayload.parse(event.data());
    if (payload == null || payload.topic() != topic) {
      return;
    }
    long now = BenchPayload.nowMicros();
    tracker.accept(payload.seq());
    if (replay != null) {
      boolean wasComplete = replay.complete();
      replay.accept(payload.seq(), System.nanoTime());
      if (!wasComplete && replay.complete()) {
        counters.recovered.increment();
      }
    }
    if (payload.sendMicros() >= counters.measureFrom) {
      counters.delivered.increment();
      counters.latency().record(now - payload.sendMicros());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.CONNECTING) {
      fail(ctx, "closed before a response");
    } else if (state == State.OPEN) {
      end(ctx);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.CONNECTING) {
      fail(ctx, cause.getClass().getSimpleName());
    } else if (state == State.OPEN) {
      end(ctx);
    }
  }

  /** Connecting failed (also called for a failed connect, before the handler is active). */
  void fail(ChannelHandlerContext ctx, String kind) {
    if (state == State.CONNECTING) {
      state = State.FAILED;
      counters.failed(kind);
    }
    if (ctx != null) {
      ctx.close();
    }
  }

  private void end(ChannelHandlerContext ctx) {
    state = State.ENDED;
    if (!counters.closing) {
      disconnected = true;
      counters.disconnected.increment();
    }
    ctx.close();
  }
}
