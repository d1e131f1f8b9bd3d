package dev.herald.server;

import dev.herald.log.Update;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One update fanned out to N subscribers of one event loop's shard: the hub's publish path from
 * {@link FanOut#publish} to the flush, on real {@link LoopShard}, {@link SseStream} and
 * {@link Subscription} objects. One operation is one update; allocation per delivery is
 * {@code gc.alloc.rate.norm / subscribers} ({@code -prof gc}).
 *
 * <p>It lives in {@code dev.herald.server} (a split package, fine on the class path and in the
 * shaded jar) because the shard, {@code SseStream.open} and {@code ServerConfig} are package-private:
 * the benchmark reaches them without widening the production API.
 *
 * <p>Each subscriber is an {@link EmbeddedChannel} whose written bytes go through Netty's real
 * outbound path (pipeline, {@code ChannelOutboundBuffer}, flush) and are released where a socket
 * channel would hand them to the kernel. All of them report one shared loop as their
 * {@link EmbeddedChannel#eventLoop() event loop}, as the channels of one server loop do, so the
 * shard's flush task queues there and runs when the benchmark thread, playing the loop, drains it.
 * That thread is a Netty {@code FastThreadLocalThread} ({@link EventLoopThreads}), like a real loop's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Workers are FastThreadLocalThreads, like event-loop threads, or Netty's Recycler would not pool.
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.herald.server.EventLoopThreads"})
public class DispatchBenchmark {
  private static final String TOPIC = "https://example.com/users/42";

  @Param({"1", "100", "1000", "10000"})
  public int subscribers;

  /** Bytes of the update's {@code data}. */
  @Param({"100"})
  public int payload;

  private EmbeddedChannel loopOwner;
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private ServerConfig config;
  private FanOut<Update> fanOut;
  private Update update;
  private byte[] sse;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() {
    if (!FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()) {
      throw new IllegalStateException("run on an EventLoopThreads worker: Netty pools nothing on this thread");
    }
    // No heartbeat: its timer would add a pass over the shard at random points of the measurement.
    config = new ServerConfig(HttpServer.builder().heartbeat(Duration.ZERO),
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    loopOwner = new EmbeddedChannel();
    EventLoop loop = loopOwner.eventLoop();
    // Keyed by topic, as Hub creates it.
    fanOut = new FanOut<>(List.of(loop), config, Update::topics);
    update = new Update("urn:uuid:6f1c0a52-6a4b-4e4e-9f7e-1d2f3a4b5c6d", List.of(TOPIC), "x".repeat(payload),
        false, null, null);
    sse = SseEncoder.encode(new SseEvent(update.id(), update.type(), update.data(), null, null));
    // What the filter Subscriber builds for a subscriber with one exact selector and a '*' claim
    // does: an exact selector compares strings ('*' matches every topic). The hub's TopicSelector is
    // internal to herald-hub.
    Predicate<Update> filter = u -> u.topics().contains(TOPIC) && (!u.isPrivate() || !u.topics().isEmpty());
    for (int i = 0; i < subscribers; i++) {
      DiscardingChannel channel = new DiscardingChannel(loop, config.writeBufferHighWaterMark);
      channels.add(channel);
      ChannelHandlerContext ctx = channel.pipeline().context(Placeholder.class);
      SseStream stream = SseStream.open(ctx, head(), config);
      fanOut.add(new Subscription<>(stream, filter).indexedBy(List.of(TOPIC)));
    }
    loopOwner.runPendingTasks();
    if (fanOut.size() != subscribers) {
      throw new IllegalStateException("expected " + subscribers + " subscriptions, have " + fanOut.size());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    // A benchmark that silently stopped delivering would look very fast.
    if (config.deliveries.sum() != sequence * subscribers) {
      throw new IllegalStateException(config.deliveries.sum() + " deliveries of " + sequence + " updates to "
          + subscribers + " subscribers");
    }
    for (EmbeddedChannel channel : channels) {
      channel.close();
    }
    loopOwner.runPendingTasks(); // the shard drops the closed subscriptions
    loopOwner.finishAndReleaseAll();
    if (fanOut.size() != 0) {
      throw new IllegalStateException("subscriptions left after close: " + fanOut.size());
    }
  }

  /** One update to every subscriber: frame once, match, write a duplicate per stream, flush each. */
  @Benchmark
  public void publish() {
    fanOut.publish(update, ++sequence, sse);
    loopOwner.runPendingTasks(); // the shard's delivery, then its flush task
  }

  private static HttpResponse head() {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set("Content-Type", "text/event-stream").set("Transfer-Encoding", "chunked");
    return head;
  }

  /** Stands where RequestDispatcher sits; its context is the one SseStream.open writes through. */
  private static final class Placeholder extends ChannelInboundHandlerAdapter {}

  /**
   * A subscriber connection whose flushed messages are released instead of sent: everything up to
   * the socket write is Netty's own code.
   */
  private static final class DiscardingChannel extends EmbeddedChannel {
    private final EventLoop sharedLoop;

    DiscardingChannel(EventLoop sharedLoop, int highWaterMark) {
      super(new HttpResponseEncoder(), new Placeholder());
      this.sharedLoop = sharedLoop;
      config().setWriteBufferWaterMark(new WriteBufferWaterMark(highWaterMark / 2, highWaterMark));
    }

    @Override
    public EventLoop eventLoop() {
      // Null while EmbeddedChannel's constructor registers the channel with its own loop.
      return sharedLoop != null ? sharedLoop : super.eventLoop();
    }

    @Override
    protected void handleOutboundMessage(Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
