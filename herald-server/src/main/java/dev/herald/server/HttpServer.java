package dev.herald.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.SystemPropertyUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Netty HTTP server for APIs that answer with whole responses or with event streams. It speaks
 * HTTP/1.1 and HTTP/2: over TLS ({@link Builder#tls}) the client's ALPN choice, in cleartext HTTP/2
 * with prior knowledge (h2c) when the connection opens with its preface. Requests are decoded with
 * explicit limits (request line → 414, headers → 431, body → 413), handed to one
 * {@link RequestHandler} on the connection's event loop, and event streams are fanned out through
 * {@link FanOut}. Uses {@link Transport#best()} (epoll on Linux, NIO elsewhere) unless
 * {@link Builder#transport} names another. {@link #close()}
 * ends every stream cleanly (clients reconnect elsewhere) and waits a bounded time.
 */
public final class HttpServer implements AutoCloseable {
  /** Default longest request line (method, URI, version): 8 KiB. */
  public static final int DEFAULT_MAX_REQUEST_LINE_LENGTH = 8 * 1024;
  /** Default largest header block: 16 KiB. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
  /** Default largest request body: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
  /** Default most bytes of request bodies received and not yet answered, all requests together: 64 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 64L * 1024 * 1024;
  /** Default heartbeat: a comment on every stream idle this long. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
  /** Default per-connection limit of unsent bytes before a stream is closed as a slow consumer: 1 MiB. */
  public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 1024 * 1024;
  /** Default most open connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
  /**
   * Default most open connections from one IP address: 0, no limit, because a hub behind a proxy or
   * load balancer sees every client at the proxy's address.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
  /** Default time a started request has to arrive completely (slowloris guard). */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a connection may stay silent between requests. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Default most concurrent streams a client may open on one HTTP/2 connection (nginx's default). */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 128;
  /** Default bytes of history all replays together may hold at once (pages read and not yet sent): 64 MiB. */
  public static final long DEFAULT_REPLAY_BUDGET = 64L * 1024 * 1024;
  /** Default largest page of history one replay reads at a time: 1 MiB. */
  public static final int DEFAULT_REPLAY_PAGE_SIZE = 1024 * 1024;
  /** Default time a replaying client may take nothing before it is closed as a slow consumer. */
  public static final Duration DEFAULT_REPLAY_STALL_TIMEOUT = Duration.ofSeconds(30);
  /** Default time {@link #close()} waits for connections to finish. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

  private final ServerConfig config;
  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final Duration shutdownGrace;
  private final String transport;
  /** Set once by {@link #serve}, before the first connection is accepted. */
  private volatile RequestHandler handler;

  /**
   * One event loop per core, not Netty's two: the loops never block, and every loop more is one more
   * task and wake-up per published batch (each loop holds subscribers) and more context switches; on
   * one core, two loops made a publish cost 10-25% more CPU (docs/benchmarks.md, S3).
   */
  static int defaultIoThreads() {
    return Math.max(1, SystemPropertyUtil.getInt("io.netty.eventLoopThreads", NettyRuntime.availableProcessors()));
  }

  private HttpServer(Builder builder) throws InterruptedException {
    if (builder.maxBodyBytesInFlight < builder.maxBodySize) { // else a body of the largest size could never be received
      throw new IllegalArgumentException("maxBodyBytesInFlight (" + builder.maxBodyBytesInFlight
          + ") must be at least maxBodySize (" + builder.maxBodySize + ")");
    }
    this.config = new ServerConfig(builder, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    this.shutdownGrace = builder.shutdownGrace;
    Transport io = config.transport;
    this.transport = io.label();
    this.group = io.newEventLoopGroup(builder.ioThreads > 0 ? builder.ioThreads : defaultIoThreads());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(io.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.AUTO_READ, false) // bound, but accepting only once serve() has a handler
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
            builder.writeBufferHighWaterMark / 2, builder.writeBufferHighWaterMark))
        .childHandler(new ConnectionInitializer(config, exchange -> handler.handle(exchange)));
    try {
      this.serverChannel = bootstrap.bind(builder.address).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    LOG.log(System.Logger.Level.DEBUG, "listening on " + serverChannel.localAddress()
        + " (" + transport + ")");
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts accepting connections, answered by {@code handler}. A server made by
   * {@link Builder#bind()} holds its port meanwhile: connections wait in the backlog, so an
   * application can build everything its handler needs (e.g. open its storage) between binding and
   * serving, and no request ever meets a half-built handler.
   */
  public void serve(RequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (this.handler != null) {
      throw new IllegalStateException("already serving");
    }
    this.handler = handler;
    serverChannel.config().setAutoRead(true);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Whether connections use TLS (then URLs are {@code https}). */
  public boolean secure() {
    return config.sslContext != null;
  }

  /** The I/O transport in use: {@code epoll}, {@code io_uring} or {@code nio} ({@link Builder#transport}). */
  public String transport() {
    return transport;
  }

  /** A new fan-out over this server's event loops: every event is offered to every subscription's filter. */
  public <E> FanOut<E> newFanOut() {
    return new FanOut<>(group, config, null);
  }

  /**
   * A new fan-out that indexes subscriptions by key: an event is offered only to subscriptions
   * {@link Subscription#indexedBy indexed} by one of {@code keysOf(event)} (e.g. its topics), and to
   * those not indexed. With many subscriptions on many keys, a delivery then costs what matches, not
   * a pass over every subscription of the loop.
   */
  public <E> FanOut<E> newFanOut(java.util.function.Function<? super E, ? extends java.util.Collection<String>> keysOf) {
    return new FanOut<>(group, config, java.util.Objects.requireNonNull(keysOf, "keysOf"));
  }

  /** Event streams currently open. */
  public int openStreams() {
    return config.streams.size();
  }

  /** TCP connections currently open (an HTTP/2 connection counts once, whatever its streams). */
  public int openConnections() {
    return config.counts.total.get();
  }

  /** Event streams open over HTTP/1.1 connections. */
  public int openHttp1Streams() {
    return config.http1Streams.get();
  }

  /** Event streams open as HTTP/2 streams. */
  public int openHttp2Streams() {
    return config.http2Streams.get();
  }

  /** Events written to subscriptions by {@link FanOut} (replays and heartbeats not included). */
  public long deliveries() {
    return config.deliveries.sum();
  }

  /** Bytes of event-stream bodies queued for clients (chunk framing included on HTTP/1.1). */
  public long bytesWritten() {
    return config.bytesWritten.sum();
  }

  /** Heartbeat comments sent to idle streams. */
  public long heartbeatsSent() {
    return config.heartbeats.sum();
  }

  /** Connections refused at the total or per-address limit. */
  public long connectionsRefused() {
    return config.connectionsRefused.get();
  }

  /** Connections closed for silence or for a request that did not arrive in time. */
  public long connectionsTimedOut() {
    return config.connectionsTimedOut.get();
  }

  /** Streams closed because their client read too slowly. */
  public long slowConsumersClosed() {
    return config.slowConsumersClosed.get();
  }

  /** Events written to subscriptions from their history (replays). */
  public long eventsReplayed() {
    return config.replayed.sum();
  }

  /** Replays closed because their client took nothing for the stall timeout. */
  public long replaysStalled() {
    return config.replaysStalled.sum();
  }

  /** Bytes of history held by replays now, within the replay budget. */
  public long replayBytesInFlight() {
    return config.replayBudget.inFlight();
  }

  /** Replays waiting for room in the replay budget now. */
  public int replaysWaiting() {
    return config.replayBudget.waiting();
  }

  /** Bytes of request bodies received and not yet answered (see {@link Builder#maxBodyBytesInFlight}). */
  public long bodyBytesInFlight() {
    return config.bodyBudget.inFlight();
  }

  /** Requests refused {@code 503 overloaded} because their body did not fit in the bytes in flight. */
  public long bodiesRefused() {
    return config.bodyBudget.refused();
  }

  /** Subscriptions closed because their filter or a write to them threw (the others went on). */
  public long subscriptionsFailed() {
    return config.subscriptionsFailed.get();
  }

  /**
   * Stops accepting, ends every event stream with a clean last chunk, answers the next request on
   * each kept-alive connection with {@code Connection: close}, and waits up to the shutdown grace.
   */
  @Override
  public void close() {
    config.startClosing();
    serverChannel.close().syncUninterruptibly();
    for (Channel channel : config.streams) {
      SseStream stream = channel.attr(SseStream.STREAM).get();
      if (stream != null) {
        channel.eventLoop().execute(stream::close);
      }
    }
    long graceNanos = shutdownGrace.toNanos();
    long start = System.nanoTime();
    // Let every last chunk reach its socket before the loops go away.
    config.streams.newCloseFuture().awaitUninterruptibly(graceNanos, TimeUnit.NANOSECONDS);
    graceNanos = Math.max(0, graceNanos - (System.nanoTime() - start));
    group.shutdownGracefully(0, graceNanos, TimeUnit.NANOSECONDS)
        .awaitUninterruptibly(graceNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
  }

  /** Configures an {@link HttpServer}. */
  public static final class Builder {
    InetSocketAddress address = new InetSocketAddress(8080);
    RequestHandler handler;
    int ioThreads;
    Transport transport;
    int maxRequestLineLength = DEFAULT_MAX_REQUEST_LINE_LENGTH;
    int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    int maxBodySize = DEFAULT_MAX_BODY_SIZE;
    long maxBodyBytesInFlight = DEFAULT_MAX_BODY_BYTES_IN_FLIGHT;
    Duration heartbeat = DEFAULT_HEARTBEAT;
    int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
    Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    int maxConnections = DEFAULT_MAX_CONNECTIONS;
    int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    SslContext sslContext;
    int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    /** {@code null}: adaptive. */
    Duration flushInterval;
    long replayBudget = DEFAULT_REPLAY_BUDGET;
    int replayPageSize = DEFAULT_REPLAY_PAGE_SIZE;
    Duration replayStallTimeout = DEFAULT_REPLAY_STALL_TIMEOUT;
    StreamedRequests streamedRequests;
    java.util.function.LongConsumer deliveryDelays = nanos -> { };

    private Builder() {}

    /**
     * Hears, once per flush pass of an event loop that wrote updates, how long the oldest of them
     * waited: from reaching the fan-out ({@link FanOut#publish}) to the end of the pass that wrote it
     * to the sockets, in nanoseconds. The upper bound of what the server added to their delivery (not
     * counting the socket's and the client's part). Called on event loops: must be cheap and
     * thread-safe. Default: nobody.
     */
    public Builder deliveryDelays(java.util.function.LongConsumer listener) {
      this.deliveryDelays = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The requests whose bodies the handler reads as they arrive ({@link HttpExchange#receiveBody})
     * instead of after the server collected them whole: neither the body size limit nor the budget
     * of bodies in flight applies to them, and the idle timeout applies between their pieces instead
     * of the request timeout to the whole. Default: none.
     */
    public Builder streamedRequests(StreamedRequests requests) {
      this.streamedRequests = requests;
      return this;
    }

    /**
     * The bytes of history all replays together may hold at once: a page counts from the moment it
     * is read until the socket took it. Past the budget, a replay waits its turn for its next page
     * (nothing is refused or lost); one replay alone always proceeds.
     */
    public Builder replayBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("replayBudget must be at least 1 byte: " + bytes);
      }
      this.replayBudget = bytes;
      return this;
    }

    /**
     * The largest page of history a replay reads and holds at a time (one update larger than this is
     * still sent, alone in its page). The next page is read once this one reached the socket.
     */
    public Builder replayPageSize(int bytes) {
      this.replayPageSize = requireAtLeast(bytes, 1024, "replayPageSize");
      return this;
    }

    /**
     * How long a replaying client may take nothing from its socket before it is closed as a slow
     * consumer ({@link Duration#ZERO}: never), so that clients that stopped reading cannot hold the
     * replay budget.
     */
    public Builder replayStallTimeout(Duration timeout) {
      this.replayStallTimeout = requireNotNegative(timeout, "replayStallTimeout");
      return this;
    }

    /**
     * A fixed shortest time between two flushes of one event loop, instead of the default
     * {@linkplain #adaptiveFlush adaptive} pacing; {@link Duration#ZERO} flushes at the end of every
     * loop tick (one write per connection per tick, however busy the loop). An event written when
     * the loop last flushed longer ago than the interval is flushed at once, so a quiet hub adds no
     * latency; under load everything written within the interval goes out in one write per
     * connection, trading up to that much latency for fewer, larger writes.
     */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = requireNotNegative(interval, "flushInterval");
      return this;
    }

    /**
     * Paces each event loop's flushes by their own cost (the default): after a flush pass that took
     * {@code P}, the loop's next flush waits until {@code P} has passed since it ended (at most
     * 50 ms; under 50 µs it does not wait). A quiet loop, or one with few subscribers, flushes at
     * once; a loop whose passes are long (one socket write per subscriber, ~6 µs each on Linux)
     * coalesces what arrives meanwhile into one write per connection, so it keeps up with more
     * updates at a delay no longer than a pass. Undoes {@link #flushInterval}.
     */
    public Builder adaptiveFlush() {
      this.flushInterval = null;
      return this;
    }

    /**
     * Serves TLS (1.3 and 1.2) with this PEM certificate chain and unencrypted PKCS#8 private key,
     * offering HTTP/2 and HTTP/1.1 through ALPN.
     *
     * @throws IllegalArgumentException if a file cannot be read or used, saying which and why
     */
    public Builder tls(Path certificateChain, Path privateKey) {
      this.sslContext = Tls.serverContext(Objects.requireNonNull(certificateChain, "certificateChain"),
          Objects.requireNonNull(privateKey, "privateKey"));
      return this;
    }

    /** Most concurrent streams a client may open on one HTTP/2 connection. */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = requireAtLeast(streams, 1, "maxConcurrentStreams");
      return this;
    }

    /** Most open connections; more are answered 503 and closed. */
    public Builder maxConnections(int connections) {
      this.maxConnections = requireAtLeast(connections, 1, "maxConnections");
      return this;
    }

    /** Most open connections from one IP address (0: no limit); more are answered 429 and closed. */
    public Builder maxConnectionsPerAddress(int connections) {
      this.maxConnectionsPerAddress = requireAtLeast(connections, 0, "maxConnectionsPerAddress");
      return this;
    }

    /** Time a started request has to arrive completely; then 408 ({@link Duration#ZERO}: no limit). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requireNotNegative(timeout, "requestTimeout");
      return this;
    }

    /** Time a connection may send nothing between requests ({@link Duration#ZERO}: no limit). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = requireNotNegative(timeout, "idleTimeout");
      return this;
    }

    /** Where to listen (default all interfaces, port 8080; port 0 picks a free one). */
    public Builder listen(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Who answers requests. */
    public Builder handler(RequestHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Event loop threads (default 0: one per core the JVM may use, or Netty's
     * {@code io.netty.eventLoopThreads} system property when set).
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = requireAtLeast(threads, 0, "ioThreads");
      return this;
    }

    /** The I/O transport (default {@link Transport#best()}); see {@link Transport#named}. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Longest request line in bytes; longer gets 414. */
    public Builder maxRequestLineLength(int bytes) {
      this.maxRequestLineLength = requireAtLeast(bytes, 64, "maxRequestLineLength");
      return this;
    }

    /** Largest header block in bytes; larger gets 431. */
    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = requireAtLeast(bytes, 256, "maxHeaderSize");
      return this;
    }

    /** Largest request body in bytes; larger gets 413. */
    public Builder maxBodySize(int bytes) {
      this.maxBodySize = requireAtLeast(bytes, 0, "maxBodySize");
      return this;
    }

    /**
     * Most bytes of request bodies held at once, all connections together: counted from the first
     * byte received to the request's answer (default 64 MiB, at least {@link #maxBodySize}). A
     * body that does not fit is answered {@code 503 overloaded} with {@code Retry-After: 1} and
     * its connection closed; a client that leaves mid-body frees what it held at once.
     */
    public Builder maxBodyBytesInFlight(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytesInFlight must be at least 1: " + bytes);
      }
      this.maxBodyBytesInFlight = bytes;
      return this;
    }

    /** Heartbeat interval for idle streams ({@link Duration#ZERO}: none). */
    public Builder heartbeat(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("heartbeat must not be negative: " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /** Unsent bytes per connection past which a stream is closed as a slow consumer. */
    public Builder writeBufferHighWaterMark(int bytes) {
      this.writeBufferHighWaterMark = requireAtLeast(bytes, 1024, "writeBufferHighWaterMark");
      return this;
    }

    /** How long {@link HttpServer#close()} waits for connections to finish. */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Binds and starts the server with the {@link #handler}. */
    public HttpServer start() throws InterruptedException {
      if (handler == null) {
        throw new IllegalStateException("a handler is required");
      }
      HttpServer server = new HttpServer(this);
      server.serve(handler);
      return server;
    }

    /**
     * Binds the port without accepting connections yet (they wait in the backlog): a port already
     * taken fails here, before the application opens anything. Accept with {@link HttpServer#serve}.
     */
    public HttpServer bind() throws InterruptedException {
      return new HttpServer(this);
    }

    private static Duration requireNotNegative(Duration value, String name) {
      if (Objects.requireNonNull(value, name).isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }

    private static int requireAtLeast(int value, int minimum, String name) {
      if (value < minimum) {
        throw new IllegalArgumentException(name + " must be at least " + minimum + ": " + value);
      }
      return value;
    }
  }
}
