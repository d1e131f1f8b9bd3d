package dev.herald.hub;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.SubscriptionRegistry;
import dev.herald.server.FanOut;
import dev.herald.server.HttpExchange;
import dev.herald.server.HttpServer;
import dev.herald.source.Source;
import dev.herald.source.SourceRunner;
import dev.herald.source.SourceStats;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * A Mercure hub (classic profile): subscribers {@code GET /.well-known/mercure?topic=...}, publishers
 * {@code POST} form-encoded updates with a JWT; every update goes to the {@link EventLog} and then to
 * each matching subscriber; reconnecting subscribers get what they missed via {@code Last-Event-ID}.
 * Also answers {@code GET /healthz}. See {@code docs/hub.md}.
 */
public final class Hub implements AutoCloseable {
  /** The Mercure endpoint. */
  public static final String PATH = "/.well-known/mercure";
  /** Default of {@link Builder#maxStreamEvents}: one stream of a million events, such as a long build log. */
  public static final long DEFAULT_MAX_STREAM_EVENTS = 1_000_000;
  /** Default tolerance for clocks that disagree when checking a token's {@code exp} and {@code nbf}. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(5);
  /** Default most topic selectors in one subscription. */
  public static final int DEFAULT_MAX_TOPICS = SelectorLimits.DEFAULT_MAX_SELECTORS;
  /** Default longest topic selector of a subscription, in characters. */
  public static final int DEFAULT_MAX_SELECTOR_LENGTH = SelectorLimits.DEFAULT_MAX_LENGTH;
  /** Default most variables in a URI template selector of a subscription. */
  public static final int DEFAULT_MAX_TEMPLATE_VARIABLES = SelectorLimits.DEFAULT_MAX_TEMPLATE_VARIABLES;
  /** Default work the template matches of one update may spend (see {@link Builder#matchBudget}). */
  public static final long DEFAULT_MATCH_BUDGET = MatchScope.DEFAULT_BUDGET;
  /** Default most bytes of publish bodies in flight (see {@link Builder#maxPublishBytesInFlight}): 64 MiB. */
  public static final long DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT = HttpServer.DEFAULT_MAX_BODY_BYTES_IN_FLIGHT;
  /** Default subscription events kept for replay (see {@link Builder#subscriptionEventLog}). */
  public static final int DEFAULT_SUBSCRIPTION_EVENTS = 10_000;
  /** Default bytes of subscription events kept for replay: 16 MiB. */
  public static final long DEFAULT_SUBSCRIPTION_EVENT_BYTES = 16L << 20;

  private final HttpServer server;
  private final EventLog log;
  private final FanOut<Dispatched> fanOut;
  private final Matching matching;
  private volatile HubMetrics metrics; // volatile: event loops read it through the delay listener
  private final StatsStream stats;
  private final Presence presence;
  private final SubscriptionRegistry registry;
  private final EventLog subscriptionEvents;
  private volatile boolean closing;
  private final ExecutorService readers;
  private static final int READER_THREADS = 2;
  /** Filled once the hub serves; read by metrics, readiness and the dashboard. */
  private final List<SourceRunner> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Streaming publishes: their bodies go to the publisher as they arrive. */
  private static boolean streamsBody(String method, String path, String contentType) {
    return "POST".equals(method) && PATH.equals(path) && "text/event-stream".equals(contentType);
  }

  private Hub(Builder builder) throws InterruptedException {
    HttpServer.Builder serverBuilder = HttpServer.builder()
        .listen(builder.address)
        .heartbeat(builder.heartbeat)
        .maxBodySize(builder.maxUpdateSize)
        .maxBodyBytesInFlight(builder.maxPublishBytesInFlight)
        .writeBufferHighWaterMark(builder.writeBufferHighWaterMark)
        .maxConnections(builder.maxConnections)
        .maxConnectionsPerAddress(builder.maxConnectionsPerAddress)
        .requestTimeout(builder.requestTimeout)
        .idleTimeout(builder.idleTimeout)
        .maxConcurrentStreams(builder.maxConcurrentStreams)
        .maxHeaderSize(builder.maxHeaderSize)
        .maxRequestLineLength(builder.maxRequestLineLength)
        .replayBudget(builder.replayBudget)
        .replayPageSize(builder.replayPageSize)
        .replayStallTimeout(builder.replayStallTimeout)
        .streamedRequests(Hub::streamsBody)
        .deliveryDelays(nanos -> {
          HubMetrics ready = metrics; // null until the metrics exist: nothing is delivered before
          if (ready != null) {
            ready.deliveryDelay(nanos);
          }
        });
    if (builder.flushInterval != null) {
      serverBuilder.flushInterval(builder.flushInterval);
    }
    if (builder.transport != null) {
      serverBuilder.transport(builder.transport);
    }
    if (builder.tlsCertificate != null) {
      serverBuilder.tls(builder.tlsCertificate, builder.tlsKey);
    }
    // The port first, accepting nothing yet: a hub that cannot listen leaves no file behind and
    // takes no lock; connections meanwhile wait in the backlog until the router is whole.
    this.server = serverBuilder.bind();
    this.readers = Executors.newFixedThreadPool(READER_THREADS, daemon("herald-log-reader"));
    EventLog opened = null;
    StatsStream statsStream = null;
    EventLog openedEvents = null;
    SubscriptionRegistry openedRegistry = null;
    Presence startedPresence = null;
    try {
      opened = openLog(builder);
      this.log = opened;
      this.fanOut = server.newFanOut(dispatched -> dispatched.update().topics());
      this.matching = new Matching(builder.matchBudget);
      this.metrics = new HubMetrics(server, fanOut, log, builder.clock, matching.stats, this::sources);
      feed(log, fanOut, metrics::published);
      Feed subscriptionFeed = null;
      if (builder.subscriptions) {
        openedEvents = builder.subscriptionEventLog.get();
        openedRegistry = builder.subscriptionRegistry.get();
        subscriptionFeed = new Feed(openedEvents, server.newFanOut(dispatched -> dispatched.update().topics()));
        feed(openedEvents, subscriptionFeed.fanOut(), () -> { });
        FanOut<Dispatched> watchers = subscriptionFeed.fanOut();
        openedEvents.onLoss(loss -> watchers.endAll()); // as for updates: watchers resume from the log as it is
        startedPresence = new Presence(openedRegistry, openedEvents);
      }
      this.subscriptionEvents = openedEvents;
      this.registry = openedRegistry;
      this.presence = startedPresence;
      // What subscribers hold may no longer be in the log, and sequences may come again: every stream
      // ends, and clients resume from the log as it is (an unknown cursor gets the earliest retained).
      log.onLoss(loss -> {
        metrics.storeLost();
        fanOut.endAll();
      });
      statsStream = builder.ui ? new StatsStream(server, metrics, builder.clock,
          builder.subscriberKey.withClockSkew(builder.clockSkew), builder.uiOpen, startedPresence, this::sources) : null;
      this.stats = statsStream;
      RateLimiter limiter = builder.publishRate > 0
          ? new RateLimiter(builder.publishRate, builder.publishBurst, System::nanoTime) : null;
      Publisher publisher = new Publisher(builder.publisherKey.withClockSkew(builder.clockSkew), log,
          builder.publishOrigins, limiter, metrics, builder.maxUpdateSize, builder.maxStreamEvents, builder.clock);
      JwtVerifier subscriberKey = builder.subscriberKey.withClockSkew(builder.clockSkew);
      Subscriber subscriber = new Subscriber(subscriberKey, builder.anonymous, new Feed(log, fanOut), subscriptionFeed,
          presence, builder.clock, readers,
          new SelectorLimits(builder.maxTopics, builder.maxSelectorLength, builder.maxTemplateVariables), matching,
          metrics);
      Router router = new Router(new Cors(builder.corsOrigins), publisher, subscriber,
          presence != null ? new SubscriptionsApi(subscriberKey, presence, readers) : null, metrics, () -> !closing,
          statsStream, builder.ui ? new StaticFiles() : null, this::sources);
      server.serve(router::route);
      for (Source source : builder.sources) {
        sources.add(SourceRunner.start(source, log, builder.maxUpdateSize));
      }
    } catch (RuntimeException | Error e) {
      sources.forEach(SourceRunner::close);
      if (statsStream != null) {
        statsStream.close();
      }
      server.close();
      readers.shutdownNow();
      closeAll(startedPresence, openedRegistry, openedEvents, opened);
      throw e;
    }
  }

  /** Feeds what {@code log} appends (its own publishes, or another node's) to {@code fanOut}. */
  private void feed(EventLog log, FanOut<Dispatched> fanOut, Runnable counted) {
    log.onAppend(entries -> {
      if (!fanOut.hasSubscriptions()) { // stored, and nobody to deliver to: not even encoded
        for (int i = 0; i < entries.size(); i++) {
          counted.run();
        }
        return;
      }
      try {
        List<FanOut.Published<Dispatched>> published = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
          published.add(new FanOut.Published<>(matching.dispatched(entry.update()), entry.sequence(),
              Publisher.encode(entry.update())));
        }
        fanOut.publishAll(published); // one task per event loop for the whole batch
        for (int i = 0; i < published.size(); i++) {
          counted.run();
        }
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        // The server closed and its streams with it, while a shared log's tail still delivers (on a
        // cluster, the end of this node's own subscriptions comes back that way): nobody to deliver to.
      }
    });
  }

  /** Closes each that is there, in order, even when one fails. */
  private static void closeAll(AutoCloseable... resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Opens the log, once the port is bound, behind a recent cache when one is asked for. */
  private static EventLog openLog(Builder builder) {
    EventLog log = builder.log != null ? builder.log.get()
        : new MemoryEventLog(MemoryEventLog.DEFAULT_CAPACITY, new IdGenerator());
    return builder.cacheSize == 0 || log instanceof MemoryEventLog ? log : cached(log, builder.cacheSize);
  }

  /** {@code log} behind a recent cache; closes the log if the cache cannot start (its first read failed). */
  private static EventLog cached(EventLog log, long bytes) {
    try {
      return new RecentCache(log, bytes);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /** A builder; at least a publisher key is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where the hub listens. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Whether the hub serves HTTPS (with HTTP/2 through ALPN). */
  public boolean secure() {
    return server.secure();
  }

  /** The hub's URL for this host, e.g. {@code https://localhost:8443/.well-known/mercure}. */
  public String url() {
    InetSocketAddress address = server.address();
    String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return (secure() ? "https" : "http") + "://" + host + ":" + address.getPort() + PATH;
  }

  /** The server's I/O transport ({@code epoll}, {@code io_uring} or {@code nio}). */
  public String transport() {
    return server.transport();
  }

  /** Open subscriptions (an estimate while they come and go). */
  public int subscribers() {
    return fanOut.size();
  }

  /** What each source (broker or database the hub consumes) has done, in the order they were given. */
  public List<SourceStats> sources() {
    List<SourceStats> stats = new ArrayList<>(sources.size());
    for (SourceRunner runner : sources) {
      stats.add(runner.stats());
    }
    return stats;
  }

  /** Whether the hub can take publishes now (what {@code GET /readyz} answers). */
  public HubHealth health() {
    return HubHealth.check(metrics, () -> !closing);
  }

  /** Connections refused at a connection limit. */
  public long connectionsRefused() {
    return server.connectionsRefused();
  }

  /** Subscribers disconnected because they read too slowly. */
  public long slowSubscribersClosed() {
    return server.slowConsumersClosed();
  }

  /** Ends every stream cleanly, stops the server, closes the log. */
  @Override
  public void close() {
    closing = true; // unready first, so that a load balancer stops sending before streams end
    for (SourceRunner source : sources) { // no append after the log closes; what is unacknowledged comes again
      try {
        source.close();
      } catch (RuntimeException e) {
        System.getLogger(Hub.class.getName()).log(System.Logger.Level.WARNING, "closing a source failed: " + e);
      }
    }
    if (stats != null) {
      stats.close();
    }
    try {
      server.close(); // ends every stream: their subscriptions are reported ended
    } finally {
      readers.shutdownNow();
      closeAll(presence, registry, subscriptionEvents, log);
    }
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Configures a {@link Hub}. */
  public static final class Builder {
    private InetSocketAddress address = new InetSocketAddress(8080);
    private JwtVerifier publisherKey;
    private JwtVerifier subscriberKey;
    private boolean anonymous;
    private Duration heartbeat = HttpServer.DEFAULT_HEARTBEAT;
    private int maxUpdateSize = HttpServer.DEFAULT_MAX_BODY_SIZE;
    private long maxStreamEvents = DEFAULT_MAX_STREAM_EVENTS;
    private long maxPublishBytesInFlight = DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT;
    private int writeBufferHighWaterMark = HttpServer.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
    private long replayBudget = HttpServer.DEFAULT_REPLAY_BUDGET;
    private int replayPageSize = HttpServer.DEFAULT_REPLAY_PAGE_SIZE;
    private Duration replayStallTimeout = HttpServer.DEFAULT_REPLAY_STALL_TIMEOUT;
    private java.util.function.Supplier<? extends EventLog> log;
    private long cacheSize;
    private List<String> corsOrigins = List.of();
    private int maxTopics = DEFAULT_MAX_TOPICS;
    private int maxSelectorLength = DEFAULT_MAX_SELECTOR_LENGTH;
    private int maxTemplateVariables = DEFAULT_MAX_TEMPLATE_VARIABLES;
    private long matchBudget = DEFAULT_MATCH_BUDGET;
    private Path tlsCertificate;
    private Path tlsKey;
    private int maxConcurrentStreams = HttpServer.DEFAULT_MAX_CONCURRENT_STREAMS;
    private int maxHeaderSize = HttpServer.DEFAULT_MAX_HEADER_SIZE;
    private int maxRequestLineLength = HttpServer.DEFAULT_MAX_REQUEST_LINE_LENGTH;
    private double publishRate;
    private int publishBurst;
    private boolean ui = true;
    /** {@code null}: adaptive, the server's default. */
    private Duration flushInterval;
    private dev.herald.server.Transport transport;
    private boolean uiOpen;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private List<String> publishOrigins = List.of();
    private int maxConnections = HttpServer.DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = HttpServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private Duration requestTimeout = HttpServer.DEFAULT_REQUEST_TIMEOUT;
    private Duration idleTimeout = HttpServer.DEFAULT_IDLE_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private boolean subscriptions;
    private java.util.function.Supplier<? extends EventLog> subscriptionEventLog = () -> new MemoryEventLog(
        DEFAULT_SUBSCRIPTION_EVENTS, DEFAULT_SUBSCRIPTION_EVENT_BYTES, new IdGenerator());
    private java.util.function.Supplier<? extends SubscriptionRegistry> subscriptionRegistry = LocalSubscriptions::new;
    private final List<Source> sources = new ArrayList<>();

    private Builder() {}

    /**
     * A database or broker the hub consumes once it listens ({@link dev.herald.source.Sources#open}
     * makes one from a URI): each message is stored as an update with its source's deterministic id,
     * then acknowledged. The hub closes it.
     */
    public Builder source(Source source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Whether the hub tracks active subscriptions (Mercure's presence; default no): a private event
     * on {@code /.well-known/mercure/subscriptions/{topic}/{subscriber}} when a subscription opens or
     * ends, and the API at {@code GET /.well-known/mercure/subscriptions}. The events go to a log of
     * their own ({@link #subscriptionEventLog}), never into the updates' retention.
     */
    public Builder subscriptions(boolean enabled) {
      this.subscriptions = enabled;
      return this;
    }

    /**
     * The log of subscription events, opened once the port is bound (default: the last
     * {@value #DEFAULT_SUBSCRIPTION_EVENTS} events, at most 16 MiB, in memory). Hubs that share a
     * Redis log share one of these too, so that every node sees every node's events.
     */
    public Builder subscriptionEventLog(java.util.function.Supplier<? extends EventLog> opener) {
      this.subscriptionEventLog = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** Where active subscriptions are recorded (default: this hub's memory; shared in a cluster). */
    public Builder subscriptionRegistry(java.util.function.Supplier<? extends SubscriptionRegistry> opener) {
      this.subscriptionRegistry = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** Where to listen (default all interfaces, port 8080). */
    public Builder listen(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The HMAC secret for both publisher and subscriber tokens. */
    public Builder jwtSecret(String secret) {
      return publisherJwtSecret(secret).subscriberJwtSecret(secret);
    }

    /** The HMAC secret publishers' tokens are signed with. */
    public Builder publisherJwtSecret(String secret) {
      this.publisherKey = JwtVerifier.hmac(secret, clock);
      return this;
    }

    /** The HMAC secret subscribers' tokens are signed with. */
    public Builder subscriberJwtSecret(String secret) {
      this.subscriberKey = JwtVerifier.hmac(secret, clock);
      return this;
    }

    /** A PEM public key (RSA or EC) for both publisher and subscriber tokens. */
    public Builder jwtPublicKey(String pem) {
      return publisherJwtPublicKey(pem).subscriberJwtPublicKey(pem);
    }

    /** A PEM public key (RSA or EC) publishers' tokens are signed for. */
    public Builder publisherJwtPublicKey(String pem) {
      this.publisherKey = JwtVerifier.publicKey(pem, clock);
      return this;
    }

    /** A PEM public key (RSA or EC) subscribers' tokens are signed for. */
    public Builder subscriberJwtPublicKey(String pem) {
      this.subscriberKey = JwtVerifier.publicKey(pem, clock);
      return this;
    }

    /**
     * A JWKS URL (http or https) whose RSA and EC keys verify both publisher and subscriber tokens,
     * chosen by the token's {@code kid}; one cache serves both roles. The set is fetched on the first
     * token, cached 5 minutes, refetched for an unknown {@code kid} at most every 30 seconds and kept an
     * hour past its 5 minutes while the JWKS is unreachable (docs/hub.md), never on an event loop.
     */
    public Builder jwksUrl(java.net.URI url) {
      JwtVerifier keys = JwtVerifier.jwks(url, clock);
      this.publisherKey = keys;
      this.subscriberKey = keys;
      return this;
    }

    /** A JWKS URL whose keys verify publishers' tokens (see {@link #jwksUrl}). */
    public Builder publisherJwksUrl(java.net.URI url) {
      this.publisherKey = JwtVerifier.jwks(url, clock);
      return this;
    }

    /** A JWKS URL whose keys verify subscribers' tokens (see {@link #jwksUrl}). */
    public Builder subscriberJwksUrl(java.net.URI url) {
      this.subscriberKey = JwtVerifier.jwks(url, clock);
      return this;
    }

    /** Whether subscribers without a token may receive public updates (default no). */
    public Builder anonymous(boolean allowed) {
      this.anonymous = allowed;
      return this;
    }

    /** Heartbeat comment interval on idle streams (default 20 s). */
    public Builder heartbeat(Duration interval) {
      this.heartbeat = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Largest publish request body in bytes; larger gets 413 (default 1 MiB). In a streaming publish
     * ({@code text/event-stream} body), the largest data of one event; the stream itself has no size
     * limit but {@link #maxStreamEvents}.
     */
    public Builder maxUpdateSize(int bytes) {
      this.maxUpdateSize = bytes;
      return this;
    }

    /**
     * Most events one streaming publish may carry (default {@value #DEFAULT_MAX_STREAM_EVENTS}); the
     * event past it ends the stream with 413, the ones before it published. The answer lists every
     * event's id (at most 256 characters), so a stream holds its ids until it ends.
     */
    public Builder maxStreamEvents(long events) {
      if (events < 1) {
        throw new IllegalArgumentException("maxStreamEvents must be at least 1: " + events);
      }
      this.maxStreamEvents = events;
      return this;
    }

    /**
     * Most bytes of publish bodies held at once, all publishers together, from their first byte
     * received until the publish is answered (stored in the log or refused); default 64 MiB, at least
     * {@link #maxUpdateSize}. A publish whose body does not fit gets {@code 503 overloaded} with
     * {@code Retry-After: 1}, counted in {@code herald_publish_overloaded_total}; a publisher that
     * leaves mid-body frees what it held at once.
     */
    public Builder maxPublishBytesInFlight(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxPublishBytesInFlight must be at least 1: " + bytes);
      }
      this.maxPublishBytesInFlight = bytes;
      return this;
    }

    /**
     * Unsent bytes per subscriber before it is disconnected (default 1 MiB); also the most bytes of
     * live updates held for a subscriber while its history is replayed.
     */
    public Builder writeBufferHighWaterMark(int bytes) {
      this.writeBufferHighWaterMark = bytes;
      return this;
    }

    /**
     * Bytes of history all replays together may hold at once (default
     * {@link HttpServer#DEFAULT_REPLAY_BUDGET}, 64 MiB); past it, replays wait their turn, nothing is
     * refused. See {@link HttpServer.Builder#replayBudget}.
     */
    public Builder replayBudget(long bytes) {
      HttpServer.builder().replayBudget(bytes); // checked now, not at start()
      this.replayBudget = bytes;
      return this;
    }

    /** The largest page of history a replay reads at a time (default 1 MiB, at least 1 KiB). */
    public Builder replayPageSize(int bytes) {
      HttpServer.builder().replayPageSize(bytes);
      this.replayPageSize = bytes;
      return this;
    }

    /**
     * How long a replaying subscriber may take nothing before it is disconnected (default 30 s;
     * {@link Duration#ZERO}: never), so that stalled clients cannot hold the replay budget.
     */
    public Builder replayStallTimeout(Duration timeout) {
      HttpServer.builder().replayStallTimeout(timeout);
      this.replayStallTimeout = timeout;
      return this;
    }

    /**
     * Origins allowed to use the hub from browsers on other origins ({@code *}: any), with
     * credentials. Default: none (same-origin only). Each must be an origin as browsers send it,
     * {@code scheme://host[:port]} without a path or trailing slash, else
     * {@link IllegalArgumentException} says why.
     */
    public Builder corsOrigins(List<String> origins) {
      for (String origin : origins) {
        String problem = origin.equals("*") ? null : Cors.originProblem(origin);
        if (problem != null) {
          throw new IllegalArgumentException("corsOrigins: " + problem);
        }
      }
      this.corsOrigins = List.copyOf(origins);
      return this;
    }

    /** Most open connections; more are answered 503 (default 50,000). */
    public Builder maxConnections(int connections) {
      this.maxConnections = connections;
      return this;
    }

    /** Most open connections from one IP address, 0 for no limit (the default); more are answered 429. */
    public Builder maxConnectionsPerAddress(int connections) {
      this.maxConnectionsPerAddress = connections;
      return this;
    }

    /** Time a started request has to arrive completely, then 408 (default 10 s; zero: none). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Time a non-streaming connection may stay silent (default 60 s; zero: none). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How far apart clocks may be when checking a token's {@code exp} and {@code nbf} (default 5 s). */
    public Builder jwtClockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("jwtClockSkew must not be negative: " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Origins a publish authenticated by the {@code mercureAuthorization} cookie may come from: such a
     * publish must carry an {@code Origin} (or {@code Referer}) on this list, else 403 (CSRF
     * protection). Default: none, so cookie-authenticated publishing is refused. Each must be an
     * origin as for {@link #corsOrigins}; {@code *} is refused, since it would turn the protection off.
     */
    public Builder publishOrigins(List<String> origins) {
      for (String origin : origins) {
        String problem = origin.equals("*")
            ? "'*' would accept cookie-authenticated publishes from any site; list the origins"
            : Cors.originProblem(origin);
        if (problem != null) {
          throw new IllegalArgumentException("publishOrigins: " + problem);
        }
      }
      this.publishOrigins = List.copyOf(origins);
      return this;
    }

    /** Most topic selectors in one subscription; more gets 400 (default 100). */
    public Builder maxTopicsPerSubscription(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTopicsPerSubscription must be at least 1: " + max);
      }
      this.maxTopics = max;
      return this;
    }

    /** Longest topic selector a subscription may send, in characters; longer gets 400 (default 2,048). */
    public Builder maxSelectorLength(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSelectorLength must be at least 1: " + max);
      }
      this.maxSelectorLength = max;
      return this;
    }

    /**
     * Most variables a subscription's URI template selector may have ({@code {a,b}} counts two);
     * more gets 400 (default 10).
     */
    public Builder maxTemplateVariables(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTemplateVariables must be at least 1: " + max);
      }
      this.maxTemplateVariables = max;
      return this;
    }

    /**
     * Work all URI template matches of one update may spend together (default 20,000,000 steps;
     * a step is one character of a topic through a template's automaton, so about 20 ms of one
     * core at worst). Each distinct template is matched once per update; past the budget, the
     * remaining template subscriptions do not get the update (fail closed), which is counted in
     * {@code herald_topic_matches_given_up_total} and logged at most once a minute.
     */
    public Builder matchBudget(long steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("matchBudget must be at least 1: " + steps);
      }
      this.matchBudget = steps;
      return this;
    }

    /** The event log (default: in memory, newest 10,000 updates). The hub closes it. */
    public Builder eventLog(EventLog log) {
      Objects.requireNonNull(log, "log");
      this.log = () -> log;
      return this;
    }

    /**
     * The event log, opened by {@link #start()} once the port is bound, so that a hub that cannot
     * listen creates no file and takes no lock (e.g. a second hub on a taken port). What the opener
     * throws, {@link #start()} throws, after stopping the server. The hub closes the log.
     */
    public Builder eventLog(java.util.function.Supplier<? extends EventLog> opener) {
      this.log = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /**
     * Keeps the newest updates of the event log in memory, up to {@code bytes} of them (by
     * {@link dev.herald.log.Update#bytes()}), so that most reconnecting subscribers are served without
     * a storage read: a {@link RecentCache} in front of a log that has none of its own (a memory log is
     * never cached). Default 0: none, the log is used as given; {@code herald serve} puts
     * 64 MiB ({@link RecentCache#DEFAULT_MAX_BYTES}) in front of SQLite and Redis.
     */
    public Builder cacheSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cacheSize must not be negative (0: no cache): " + bytes);
      }
      this.cacheSize = bytes;
      return this;
    }

    /**
     * Serves HTTPS (TLS 1.3/1.2) with this PEM certificate chain and PKCS#8 key; browsers get HTTP/2
     * through ALPN. Checked at once.
     *
     * @throws IllegalArgumentException if a file cannot be read or the key does not fit the certificate
     */
    public Builder tls(Path certificateChain, Path privateKey) {
      HttpServer.builder().tls(certificateChain, privateKey); // fails here, naming the file, not at start()
      this.tlsCertificate = certificateChain;
      this.tlsKey = privateKey;
      return this;
    }

    /** Largest request header block in bytes; larger gets 431 (default 16 KiB, at least 256). */
    public Builder maxHeaderSize(int bytes) {
      HttpServer.builder().maxHeaderSize(bytes); // the server's bounds, checked now
      this.maxHeaderSize = bytes;
      return this;
    }

    /** Longest request line (method, URI with the topic selectors, version); longer gets 414 (default 8 KiB). */
    public Builder maxRequestLineLength(int bytes) {
      HttpServer.builder().maxRequestLineLength(bytes);
      this.maxRequestLineLength = bytes;
      return this;
    }

    /**
     * The I/O transport ({@code herald serve --transport}); default
     * {@link dev.herald.server.Transport#best()}: epoll on Linux, NIO elsewhere.
     */
    public Builder transport(dev.herald.server.Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * A fixed shortest time between two flushes of one event loop instead of the default
     * {@linkplain #adaptiveFlush adaptive} pacing; zero flushes at the end of every loop tick. A
     * quiet hub still flushes at once; under heavy fan-out the updates of one interval share one
     * write per subscriber, adding up to that much latency.
     */
    public Builder flushInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("flushInterval must not be negative: " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /**
     * Paces each event loop's flushes by their cost (the default, {@code herald serve
     * --flush-interval auto}): a quiet loop flushes at once; after a flush pass that took {@code T}
     * (about one socket write per subscriber written), the next waits until {@code T} has passed
     * since it ended, at most 50 ms, so a busy fan-out sends several updates per write at a delay no
     * longer than a pass. See {@code HttpServer.Builder#adaptiveFlush}. Undoes {@link #flushInterval}.
     */
    public Builder adaptiveFlush() {
      this.flushInterval = null;
      return this;
    }

    /** Most concurrent streams (subscriptions, requests) per HTTP/2 connection (default 128). */
    public Builder maxConcurrentStreams(int streams) {
      if (streams < 1) {
        throw new IllegalArgumentException("maxConcurrentStreams must be at least 1: " + streams);
      }
      this.maxConcurrentStreams = streams;
      return this;
    }

    /**
     * Limits publishing to {@code perSecond} updates per token, with bursts of {@code burst}; over it,
     * 429 with {@code Retry-After}. Failed publish attempts count against the client's address at the
     * same rate. Default: no limit ({@code perSecond} 0).
     */
    public Builder publishRate(double perSecond, int burst) {
      if (perSecond < 0 || Double.isNaN(perSecond) || (perSecond > 0 && burst < 1)) {
        throw new IllegalArgumentException("publish rate must be >= 0 with a burst >= 1: " + perSecond + ", " + burst);
      }
      this.publishRate = perSecond;
      this.publishBurst = burst;
      return this;
    }

    /**
     * Whether {@code GET /} serves the dashboard and {@code /.well-known/herald/stats} its live figures
     * (default yes); without it, {@code /} is a short text about the endpoints.
     */
    public Builder ui(boolean enabled) {
      this.ui = enabled;
      return this;
    }

    /**
     * Whether the dashboard's live figures are open to anyone (a development hub) or need a
     * subscriber token allowed to subscribe to {@code herald:stats} (the default).
     */
    public Builder uiOpen(boolean open) {
      this.uiOpen = open;
      return this;
    }

    /** Binds and starts the hub; closes the sources given if it cannot. */
    public Hub start() throws InterruptedException {
      try {
        if (publisherKey == null || subscriberKey == null) {
          throw new IllegalStateException("configure the JWT secret(s) for publishers and subscribers");
        }
        return new Hub(this);
      } catch (RuntimeException | Error | InterruptedException e) {
        for (Source source : sources) {
          try {
            source.close();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }
}
