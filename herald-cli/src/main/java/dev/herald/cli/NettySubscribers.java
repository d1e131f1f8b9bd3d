package dev.herald.cli;

import dev.herald.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Subscribers in this process: one Netty channel each (epoll when available, NIO otherwise) on
 * {@code eventLoops} threads, opened at {@code connectRate} per second, bound round-robin to source
 * addresses 127.0.0.1..127.0.0.M when more than one is asked for (each address has its own
 * ephemeral ports). Subscriber {@code i} (global index, counting those of other processes) takes
 * topic {@code i % topics}. Given a {@link Resume}, the pool is the second half of a reconnect
 * storm: subscriber {@code i} reconnects with its last event id and checks that it gets exactly
 * what its topic missed; subscribers without an id are not reconnected.
 */
final class NettySubscribers implements SubscriberPool {
  private final BenchTargets targets;
  private final int first;
  private final int count;
  private final int topics;
  private final int sourceAddresses;
  private final double connectRate;
  private final Duration connectTimeout;
  private final SubscriberCounters counters;
  private final EventLoopGroup group;
  private final Transport transport = Transport.best();
  private final SubscriberHandler[] handlers;
  private final Channel[] channels;
  private final Resume resume;

  /**
   * Where each subscriber resumes ({@code lastEventIds[i]}, null: not reconnected) and what each
   * topic missed: sequence numbers {@code firstMissed[t]..lastMissed[t]}.
   */
  record Resume(String[] lastEventIds, long[] firstMissed, long[] lastMissed) {}

  NettySubscribers(BenchTargets targets, int first, int count, int topics, int eventLoops, int sourceAddresses,
      double connectRate, Duration connectTimeout) {
    this(targets, first, count, topics, eventLoops, sourceAddresses, connectRate, connectTimeout, null);
  }

  NettySubscribers(BenchTargets targets, int first, int count, int topics, int eventLoops, int sourceAddresses,
      double connectRate, Duration connectTimeout, Resume resume) {
    this.resume = resume;
    this.targets = targets;
    this.first = first;
    this.count = count;
    this.topics = topics;
    this.sourceAddresses = sourceAddresses;
    this.connectRate = connectRate;
    this.connectTimeout = connectTimeout;
    this.counters = new SubscriberCounters(topics);
    this.group = transport.newEventLoopGroup(eventLoops);
    this.handlers = new SubscriberHandler[count];
    this.channels = new Channel[count];
  }

  @Override
  public void connect(ProgressSink progress) throws InterruptedException {
    Bootstrap bootstrap = new Bootstrap().group(group)
        .channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true);
    if (transport == Transport.EPOLL && sourceAddresses > 1) {
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true); // ports chosen at connect
    }
    long start = System.nanoTime();
    long lastReport = start;
    int attempted = 0;
    for (int i = 0; i < count; i++) {
      if (resume != null && resume.lastEventIds()[i] == null) {
        continue;
      }
      LockSupport.parkNanos(start + (long) (attempted++ * 1e9 / connectRate) - System.nanoTime());
      int index = first + i;
      int topic = index % topics;
      URI uri = targets.subscribe(topic);
      SubscriberHandler handler = resume == null
          ? new SubscriberHandler(counters, topic, BenchTargets.hostHeader(uri), BenchTargets.pathAndQuery(uri))
          : new SubscriberHandler(counters, topic, BenchTargets.hostHeader(uri), BenchTargets.pathAndQuery(uri),
              resume.lastEventIds()[i],
              new ReplayCheck(resume.firstMissed()[topic], resume.lastMissed()[topic], System.nanoTime()));
      handlers[i] = handler;
      Bootstrap one = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast(new HttpClientCodec(), handler);
        }
      });
      InetSocketAddress remote = new InetSocketAddress(uri.getHost(), BenchTargets.port(uri));
      ChannelFuture future = sourceAddresses > 1
          ? one.connect(remote, new InetSocketAddress("127.0.0." + (1 + index % sourceAddresses), 0))
          : one.connect(remote);
      channels[i] = future.channel();
      future.addListener(f -> {
        if (!f.isSuccess()) {
          handler.fail(null, "connect: " + describe(f.cause()));
        }
      });
      if (System.nanoTime() - lastReport >= 1_000_000_000L) {
        lastReport = System.nanoTime();
        progress.connecting(progress());
      }
    }
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    while (counters.open.sum() + counters.failed.sum() < attempted && System.nanoTime() < deadline) {
      Thread.sleep(100);
      if (System.nanoTime() - lastReport >= 1_000_000_000L) {
        lastReport = System.nanoTime();
        progress.connecting(progress());
      }
    }
    for (int i = 0; i < count; i++) {
      if (handlers[i] != null && handlers[i].state() == SubscriberHandler.State.CONNECTING) {
        SubscriberHandler handler = handlers[i];
        channels[i].eventLoop().execute(() -> handler.fail(null, "no response within " + connectTimeout.toMillis() + " ms"));
        channels[i].close();
      }
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.replaceAll(":.*", "");
  }

  /** Each subscriber's last event id (null when it never connected or got no event). */
  String[] lastEventIds() {
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = handlers[i] == null || handlers[i].state() == SubscriberHandler.State.FAILED
          ? null : handlers[i].lastEventId();
    }
    return ids;
  }

  /** Events received so far, of any topic, counted or not. */
  long received() {
    return counters.received.sum();
  }

  /** Reconnected subscribers that have received everything they missed. */
  long recovered() {
    return counters.recovered.sum();
  }

  /** After {@link #finish}: what the reconnected subscribers received (reconnect storm). */
  StormTotals stormTotals() {
    StormTotals totals = new StormTotals();
    for (SubscriberHandler handler : handlers) {
      if (handler != null && handler.replay != null) {
        totals.add(handler.state() != SubscriberHandler.State.FAILED
            && handler.state() != SubscriberHandler.State.CONNECTING, handler.replay);
      }
    }
    return totals;
  }

  @Override
  public long[] connectedPerTopic() {
    long[] perTopic = new long[topics];
    for (int t = 0; t < topics; t++) {
      perTopic[t] = counters.openPerTopic.get(t);
    }
    return perTopic;
  }

  @Override
  public void measureFrom(long epochMicros) {
    counters.measureFrom = epochMicros;
  }

  @Override
  public Progress progress() {
    return new Progress(counters.open.sum() - counters.disconnected.sum(), counters.failed.sum(),
        counters.delivered.sum(), counters.mergedLatency());
  }

  @Override
  public SubscriberTotals finish(long[] lastSeqPerTopic) throws InterruptedException {
    counters.closing = true;
    for (Channel channel : channels) {
      if (channel != null) {
        channel.close();
      }
    }
    for (Channel channel : channels) {
      if (channel != null) {
        channel.closeFuture().await(5, TimeUnit.SECONDS);
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    long gaps = 0;
    long duplicates = 0;
    long withGaps = 0;
    long withDuplicates = 0;
    for (SubscriberHandler handler : handlers) {
      if (handler == null || handler.state() == SubscriberHandler.State.CONNECTING
          || handler.state() == SubscriberHandler.State.FAILED) {
        continue;
      }
      if (!handler.disconnected()) {
        handler.tracker.finish(lastSeqPerTopic[handler.topic]);
      }
      gaps += handler.tracker.gaps();
      duplicates += handler.tracker.duplicates();
      withGaps += handler.tracker.gaps() > 0 ? 1 : 0;
      withDuplicates += handler.tracker.duplicates() > 0 ? 1 : 0;
    }
    return new SubscriberTotals(count, counters.open.sum(), counters.disconnected.sum(), counters.received.sum(),
        counters.delivered.sum(), gaps, duplicates, withGaps, withDuplicates, counters.errors(),
        counters.mergedLatency());
  }

  @Override
  public void close() {
    if (!group.isShuttingDown()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }
}
