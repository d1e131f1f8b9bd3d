package dev.herald.cli;

import dev.herald.hub.Hub;
import dev.herald.source.Sources;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald serve}: runs the hub until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    defaultValueProvider = ServeDefaults.class, // the libraries' defaults, under the environment and file
    sortOptions = false,
    description = "Runs the Herald hub (Mercure protocol) until stopped with Ctrl-C or SIGTERM, "
        + "which ends every stream cleanly. Each option can also be set by an environment variable "
        + "HERALD_<OPTION> (e.g. HERALD_JWT_SECRET) or a line in the --config file (e.g. jwt-secret=...); "
        + "the command line wins, then the environment, then the file.",
    footer = {
      "",
      "Development mode: when nothing configures authentication (no secret, key or",
      "JWKS URL), a random secret is generated for this run and anonymous subscribers",
      "are allowed; a warning says so, and the secret, a 'herald token' command line",
      "for it and a ready publisher token are printed. Unknown --config keys and",
      "HERALD_* variables are errors (the other HERALD_* variables: docs/hub.md).",
      "",
      "Redis stores (--store URI):",
      "  redis://[user:password@]host:port[/db]    one Redis server; rediss:// for TLS",
      "  redis-sentinel://[user:password@]host:port[,host:port...][/db]#master",
      "      the primary the Sentinels name, followed through failovers",
      "  redis-cluster://[user:password@]host:port[,host:port...]    a Redis Cluster",
      "user:password@ logs in as a Redis ACL user, :password@ as the default user",
      "(percent-encode @ : / %% in them); messages mask the password.",
      "",
      "BYTES: a number of bytes, or a whole number with a unit: 512KiB, 64MiB, 1GiB",
      "(powers of 1024) or 500KB, 64MB, 1GB (powers of 1000)."
    })
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", converter = ListenAddress.class,
      defaultValue = ":8080", description = "Address to listen on (default: ${DEFAULT-VALUE}, all interfaces).")
  private InetSocketAddress listen;

  @Option(names = "--jwt-secret", paramLabel = "SECRET",
      description = "HMAC secret (>= 32 bytes) for publisher and subscriber tokens.")
  private String jwtSecret;

  @Option(names = "--publisher-jwt-secret", paramLabel = "SECRET",
      description = "HMAC secret for publisher tokens (overrides --jwt-secret).")
  private String publisherJwtSecret;

  @Option(names = "--subscriber-jwt-secret", paramLabel = "SECRET",
      description = "HMAC secret for subscriber tokens (overrides --jwt-secret).")
  private String subscriberJwtSecret;

  @Option(names = "--jwt-key", paramLabel = "PEM_FILE",
      description = "RSA or EC public key (PEM) for publisher and subscriber tokens (RS256/ES256...):"
          + " a file, or the PEM text itself (-----BEGIN...).")
  private String jwtKey;

  @Option(names = "--publisher-jwt-key", paramLabel = "PEM_FILE",
      description = "Public key for publisher tokens (overrides the general key or secret); file or PEM text.")
  private String publisherJwtKey;

  @Option(names = "--subscriber-jwt-key", paramLabel = "PEM_FILE",
      description = "Public key for subscriber tokens (overrides the general key or secret); file or PEM text.")
  private String subscriberJwtKey;

  @Option(names = "--jwt-jwks-url", paramLabel = "URL", converter = JwksUrl.class,
      description = "JWKS (http or https) whose RSA and EC keys verify publisher and subscriber tokens, chosen by "
          + "kid; cached 5 min, refetched for an unknown kid at most every 30 s (overrides keys and secrets).")
  private java.net.URI jwtJwksUrl;

  @Option(names = "--publisher-jwt-jwks-url", paramLabel = "URL", converter = JwksUrl.class,
      description = "JWKS for publisher tokens (overrides every general setting).")
  private java.net.URI publisherJwtJwksUrl;

  @Option(names = "--subscriber-jwt-jwks-url", paramLabel = "URL", converter = JwksUrl.class,
      description = "JWKS for subscriber tokens (overrides every general setting).")
  private java.net.URI subscriberJwtJwksUrl;

  @Option(names = "--jwt-clock-skew", paramLabel = "DURATION", converter = Durations.class,
      description = "How far apart clocks may be when checking a token's exp and nbf (default: ${DEFAULT-VALUE}).")
  private Duration jwtClockSkew;

  @Option(names = "--publish-origin", paramLabel = "ORIGIN", split = ",",
      description = "Origin a publish authenticated by the mercureAuthorization cookie may come from "
          + "(CSRF protection; repeatable). Default: none, so cookie-authenticated publishes are refused.")
  private java.util.List<String> publishOrigins = new java.util.ArrayList<>();

  @Option(names = "--anonymous", arity = "0..1", paramLabel = "true|false",
      description = "Allow subscribers without a token (public updates only). Default: false, "
          + "or true when no secret is configured.")
  private Boolean anonymous;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN", split = ",",
      description = "Origin allowed to use the hub from a browser on another origin, with credentials "
          + "(repeatable or comma-separated; * = any origin, without credentials). Default: none.")
  private java.util.List<String> corsOrigins = new java.util.ArrayList<>();

  @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Durations.class,
      description = "Comment sent on idle streams so proxies and clients see life (default: ${DEFAULT-VALUE}; 0 = off).")
  private Duration heartbeat;

  // A short label: the Redis URI forms are longer than a line, so the footer lists them.
  @Option(names = "--store", paramLabel = "sqlite|memory|URI",
      defaultValue = "sqlite",
      description = "Event log: sqlite (durable, in --data-dir), memory (lost on exit), or the URI of a Redis"
          + " that several hub nodes share (the forms are below). Default: ${DEFAULT-VALUE}.")
  private String store;

  @Option(names = "--redis-key-prefix", paramLabel = "PREFIX",
      description = "With --store redis://: the keys' prefix, {PREFIX}:stream etc. (default: ${DEFAULT-VALUE}).")
  private String redisKeyPrefix;

  @Option(names = "--redis-min-replicas", paramLabel = "N",
      description = "With a Redis store: acknowledge a publish only once N replicas confirmed it (WAIT), so that a"
          + " failover cannot lose it; fewer within 2 s answer 503 (default: ${DEFAULT-VALUE}).")
  private int redisMinReplicas;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "herald-data",
      description = "Where the sqlite store keeps events.db (default: ./${DEFAULT-VALUE}).")
  private java.nio.file.Path dataDir;

  @Option(names = "--durability", paramLabel = "os|fsync", defaultValue = "os",
      description = "os: an acknowledged update survives a crash of the hub process (default); "
          + "fsync: it is on disk, surviving power loss too, at a lower publish rate.")
  private String durability;

  @Option(names = "--retain-events", paramLabel = "N",
      description = "Most updates kept for replay; 0 = no count bound (default: ${DEFAULT-VALUE}).")
  private long retainEvents;

  @Option(names = "--retain-bytes", paramLabel = "BYTES", converter = ByteSize.class,
      description = "Most bytes of update content kept (sqlite, memory); 0 = no size bound (default: ${DEFAULT-VALUE}).")
  private long retainBytes;

  @Option(names = "--cache-size", paramLabel = "BYTES", converter = ByteSize.class,
      description = "Bytes of the newest updates kept in memory, so that most reconnects read no storage (sqlite,"
          + " redis); 0 = no cache (default: ${DEFAULT-VALUE}).")
  private long cacheSize;

  @Option(names = "--retain-age", paramLabel = "DURATION", converter = Durations.class,
      description = "Oldest update kept (sqlite); 0 = no age bound (default: ${DEFAULT-VALUE}).")
  private Duration retainAge;

  @Option(names = "--max-update-size", paramLabel = "BYTES", converter = ByteSize.Int.class,
      description = "Largest publish request, and largest event of a streaming publish; larger gets 413"
          + " (default: ${DEFAULT-VALUE}).")
  private int maxUpdateSize;

  @Option(names = "--max-stream-events", paramLabel = "N",
      description = "Most events one streaming publish (a text/event-stream body) may carry; the next ends it"
          + " with 413 and the ones before are published (default: ${DEFAULT-VALUE}).")
  private long maxStreamEvents;

  @Option(names = "--max-publish-bytes-in-flight", paramLabel = "BYTES", converter = ByteSize.class,
      description = "Most bytes of publish bodies held at once, all publishers together, from their first byte to"
          + " their answer; a publish that does not fit gets 503 overloaded with Retry-After (default: ${DEFAULT-VALUE}).")
  private long maxPublishBytesInFlight;

  @Option(names = "--max-topics", paramLabel = "N",
      description = "Most topic selectors in one subscription; more gets 400 (default: ${DEFAULT-VALUE}).")
  private int maxTopics;

  @Option(names = "--max-selector-length", paramLabel = "N",
      description = "Most characters in one topic selector of a subscription; longer gets 400 (default: ${DEFAULT-VALUE}).")
  private int maxSelectorLength;

  @Option(names = "--max-template-variables", paramLabel = "N",
      description = "Most variables in one URI template selector ({a,b} counts two); more gets 400 "
          + "(default: ${DEFAULT-VALUE}).")
  private int maxTemplateVariables;

  @Option(names = "--match-budget", paramLabel = "STEPS",
      description = "Template matching work one update may cost, all subscribers together (a step is one "
          + "topic character through one template); past it, the remaining template subscriptions miss "
          + "that update, counted and logged (default: ${DEFAULT-VALUE}, about 20 ms of a core at worst).")
  private long matchBudget;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Most open connections; more are answered 503 (default: ${DEFAULT-VALUE}).")
  private int maxConnections;

  @Option(names = "--max-connections-per-ip", paramLabel = "N",
      description = "Most open connections from one IP address; more are answered 429 (default: ${DEFAULT-VALUE}, "
          + "no limit, since behind a proxy every client has the proxy's address).")
  private int maxConnectionsPerIp;

  @Option(names = "--request-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Time a started request has to arrive completely, then 408 (slowloris guard; default: ${DEFAULT-VALUE}).")
  private Duration requestTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Time a connection without a stream may stay silent (default: ${DEFAULT-VALUE}).")
  private Duration idleTimeout;

  @Option(names = "--write-buffer-limit", paramLabel = "BYTES", converter = ByteSize.Int.class,
      description = "Unsent bytes per subscriber before it is disconnected as too slow (default: ${DEFAULT-VALUE}).")
  private int writeBufferLimit;

  @Option(names = "--replay-budget", paramLabel = "BYTES", converter = ByteSize.class,
      description = "Most bytes of history all replays hold at once; past it replays wait their turn, nothing is"
          + " refused (default: ${DEFAULT-VALUE}).")
  private long replayBudget;

  @Option(names = "--replay-page-size", paramLabel = "BYTES", converter = ByteSize.Int.class,
      description = "Largest page of history a replay reads and holds at a time (default: ${DEFAULT-VALUE}).")
  private int replayPageSize;

  @Option(names = "--replay-stall-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "A replaying subscriber that takes nothing for this long is disconnected as too slow"
          + " (default: ${DEFAULT-VALUE}; 0 = never).")
  private Duration replayStallTimeout;

  @Option(names = "--tls-cert", paramLabel = "PEM_FILE",
      description = "Serve HTTPS with this certificate chain (PEM); browsers get HTTP/2. Needs --tls-key.")
  private java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM_FILE",
      description = "The certificate's private key (PEM, unencrypted PKCS#8).")
  private java.nio.file.Path tlsKey;

  @Option(names = "--max-streams-per-connection", paramLabel = "N",
      description = "Concurrent streams one HTTP/2 connection may open (default: ${DEFAULT-VALUE}).")
  private int maxStreamsPerConnection;

  @Option(names = "--max-header-size", paramLabel = "BYTES", converter = ByteSize.Int.class,
      description = "Largest request header block; larger gets 431 (default: ${DEFAULT-VALUE}).")
  private int maxHeaderSize;

  @Option(names = "--max-request-line", paramLabel = "BYTES", converter = ByteSize.Int.class,
      description = "Longest request line, the subscription's topic selectors included; longer gets 414"
          + " (default: ${DEFAULT-VALUE}).")
  private int maxRequestLine;

  @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
      description = "One line per event as logfmt text or as JSON (default: ${DEFAULT-VALUE}).")
  private String logFormat;

  @Option(names = "--log-level", paramLabel = "debug|info|warn|error", defaultValue = "info",
      description = "The least severe events logged (default: ${DEFAULT-VALUE}).")
  private String logLevel;

  @Option(names = "--flush-interval", paramLabel = "auto|DURATION", converter = FlushInterval.Converter.class,
      defaultValue = FlushInterval.AUTO,
      description = "When an event loop flushes its subscribers' writes. auto: a quiet loop at once; after a flush"
          + " pass that took T (about 6 us per subscriber written), the next waits until T has passed since it"
          + " ended (at most 50ms), so a busy fan-out sends several updates per write. A duration: at most one"
          + " flush per that interval, at once when quiet; 0s: every loop tick (default: ${DEFAULT-VALUE}).")
  private FlushInterval flushInterval;

  @Option(names = "--transport", paramLabel = "auto|epoll|io_uring|nio", defaultValue = "auto",
      description = "The network I/O: auto is epoll on Linux, else nio. io_uring (Linux 5.14+, x86-64) submits each"
          + " event loop's socket writes together instead of one system call each: a large fan-out waits less"
          + " and costs less where system calls are dear (virtual machines); container runtimes often forbid it"
          + " (default: ${DEFAULT-VALUE}).")
  private String transport;

  @Option(names = "--no-ui", negatable = false,
      description = "Serve no dashboard at / (nor its stats stream).")
  private boolean noUi;

  @Option(names = "--subscriptions", negatable = false,
      description = "Track active subscriptions (Mercure's presence): a private subscription event when a"
          + " subscription opens or ends, and GET /.well-known/mercure/subscriptions; with a Redis store, across"
          + " every node (docs/hub.md, Active subscriptions).")
  private boolean subscriptions;

  @Option(names = "--subscriptions-expiry", paramLabel = "DURATION", converter = Durations.class,
      description = "With --subscriptions and a Redis store: a node renews its subscriptions in Redis every third of"
          + " this; those of a node that stops renewing (killed) are reported ended within this plus a third"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration subscriptionsExpiry;

  @Option(names = "--publish-rate", paramLabel = "PER_SECOND", defaultValue = "0",
      description = "Updates per second one token may publish, failed attempts per second one address may make;"
          + " over it 429 with Retry-After (default: ${DEFAULT-VALUE}, no limit).")
  private double publishRate;

  @Option(names = "--publish-burst", paramLabel = "N",
      description = "Publishes allowed in a burst above --publish-rate (default: twice the rate, at least 1).")
  private Integer publishBurst;

  @Option(names = "--source", paramLabel = "URI", split = "\\s+", splitSynopsisLabel = " ",
      description = "A database or broker the hub consumes, each message stored once as an update (repeatable,"
          + " or several separated by spaces, as in a config file's source= line): postgresql://, kafka://,"
          + " nats://, amqp://, mqtt:// with the connector's parameters (docs/sources.md). Default: none.")
  private java.util.List<String> sources = new java.util.ArrayList<>();

  @CommandLine.Mixin
  private ConfigOption config;

  /**
   * What {@link #configure} made of the options: the hub to start and how to announce it. {@code
   * generatedSecret} is null unless nothing configured authentication (development mode).
   */
  record Configured(Hub.Builder builder, StoreOption eventLog, String generatedSecret, boolean allowAnonymous,
      Log.Format logFormat, Log.Level logLevel) {
  }

  /**
   * Validates every option value and builds the hub, without binding or opening anything: the one
   * validation path of {@code serve} and {@code config check}. Each value the options or the
   * libraries refuse is added to {@code problems}, as many as there are.
   *
   * @return the configuration, or null when there are problems
   */
  Configured configure(Problems problems) {
    Log.Format format = switch (logFormat.toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> Log.Format.TEXT;
      case "json" -> Log.Format.JSON;
      default -> {
        problems.add("--log-format must be text or json (got '" + logFormat + "')");
        yield null;
      }
    };
    Log.Level level = switch (logLevel.toLowerCase(java.util.Locale.ROOT)) {
      case "debug" -> Log.Level.DEBUG;
      case "info" -> Log.Level.INFO;
      case "warn", "warning" -> Log.Level.WARN;
      case "error" -> Log.Level.ERROR;
      default -> {
        problems.add("--log-level must be debug, info, warn or error (got '" + logLevel + "')");
        yield null;
      }
    };
    StoreOption eventLog = null;
    try {
      eventLog = StoreOption.check(store, dataDir, durability, retainEvents, retainBytes, retainAge, redisKeyPrefix,
          cacheSize).withRedisMinReplicas(redisMinReplicas);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    Credential publisher = credentialFor("publisher", publisherJwtJwksUrl, publisherJwtKey, publisherJwtSecret);
    Credential subscriber = credentialFor("subscriber", subscriberJwtJwksUrl, subscriberJwtKey, subscriberJwtSecret);
    boolean generated = publisher == null && subscriber == null;
    String generatedSecret = null;
    if (generated) {
      generatedSecret = DevelopmentMode.randomSecret();
      publisher = new Credential(generatedSecret, null, null);
      subscriber = publisher;
    } else if (publisher == null || subscriber == null) {
      problems.add("configure keys or secrets for both publishers and subscribers, or --jwt-secret / --jwt-key"
          + " for both");
    }
    boolean allowAnonymous = anonymous != null ? anonymous : generated;

    Hub.Builder builder = Hub.builder();
    problems.attempt(() -> builder.listen(listen));
    Credential publishers = publisher;
    Credential subscribers = subscriber;
    if (publishers != null && subscribers != null) {
      if (publishers.jwks() != null && publishers.jwks().equals(subscribers.jwks())) {
        problems.attempt(() -> builder.jwksUrl(publishers.jwks())); // one cache, one fetch, for both roles
      } else {
        problems.attempt(() -> publishers.applyToPublishers(builder));
        problems.attempt(() -> subscribers.applyToSubscribers(builder));
      }
    }
    builder.anonymous(allowAnonymous).ui(!noUi).subscriptions(subscriptions)
        .uiOpen(generated); // a development hub (generated secret) shows its figures to anyone; else a token
    problems.attempt(() -> builder.corsOrigins(corsOrigins));
    problems.attempt(() -> builder.heartbeat(heartbeat));
    problems.attempt(() -> builder.maxUpdateSize(maxUpdateSize));
    problems.attempt(() -> builder.maxStreamEvents(maxStreamEvents));
    problems.attempt(() -> builder.maxPublishBytesInFlight(maxPublishBytesInFlight));
    problems.attempt(() -> builder.writeBufferHighWaterMark(writeBufferLimit));
    problems.attempt(() -> builder.replayBudget(replayBudget));
    problems.attempt(() -> builder.replayPageSize(replayPageSize));
    problems.attempt(() -> builder.replayStallTimeout(replayStallTimeout));
    problems.attempt(() -> builder.maxTopicsPerSubscription(maxTopics));
    problems.attempt(() -> builder.maxSelectorLength(maxSelectorLength));
    problems.attempt(() -> builder.maxTemplateVariables(maxTemplateVariables));
    problems.attempt(() -> builder.matchBudget(matchBudget));
    problems.attempt(() -> builder.jwtClockSkew(jwtClockSkew));
    problems.attempt(() -> builder.publishOrigins(publishOrigins));
    problems.attempt(() -> builder.maxConnections(maxConnections));
    problems.attempt(() -> builder.maxConnectionsPerAddress(maxConnectionsPerIp));
    problems.attempt(() -> builder.requestTimeout(requestTimeout));
    problems.attempt(() -> builder.idleTimeout(idleTimeout));
    problems.attempt(() -> builder.maxConcurrentStreams(maxStreamsPerConnection));
    problems.attempt(() -> {
      if (flushInterval.fixed() == null) {
        builder.adaptiveFlush();
      } else {
        builder.flushInterval(flushInterval.fixed());
      }
    });
    problems.attempt(() -> builder.transport(dev.herald.server.Transport.named(transport)));
    problems.attempt(() -> builder.maxHeaderSize(maxHeaderSize));
    problems.attempt(() -> builder.maxRequestLineLength(maxRequestLine));
    problems.attempt(() -> builder.publishRate(publishRate, publishBurst != null ? publishBurst
        : (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(publishRate * 2)))));
    if (eventLog != null) {
      StoreOption log = eventLog;
      builder.eventLog(log::open); // opened once the port is bound
      if (subscriptions) {
        problems.attempt(() -> log.sharePresence(builder, subscriptionsExpiry));
      }
    }
    for (String source : sources) {
      problems.attempt(() -> builder.source(Sources.open(source))); // checks the URI; connects once the hub serves
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      problems.add("give both --tls-cert and --tls-key, or neither");
    } else if (tlsCert != null) {
      problems.attempt(() -> builder.tls(tlsCert, tlsKey));
    }
    return problems.isEmpty()
        ? new Configured(builder, eventLog, generatedSecret, allowAnonymous, format, level) : null;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Problems problems = new Problems();
    Configured configured = configure(problems);
    if (configured == null) { // every problem, one per line, each "herald: ..." like the first
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("\nherald: ", problems.messages()));
    }
    Log.configure(configured.logFormat(), configured.logLevel());
    LogHandler.install(err);
    Hub.Builder builder = configured.builder();
    StoreOption eventLog = configured.eventLog();
    boolean generated = configured.generatedSecret() != null;
    String generatedSecret = configured.generatedSecret();
    boolean allowAnonymous = configured.allowAnonymous();
    Hub hub;
    try {
      hub = start(builder);
    } catch (IllegalArgumentException e) { // a value the server checks only when it is built
      throw new CommandLine.ParameterException(spec.commandLine(), OptionNames.inMessage(e.getMessage()));
    } catch (RuntimeError e) {
      err.println("herald: " + e.getMessage()); // not bad usage: no "Try --help"
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Log.info(err, "hub stopping", "subscribers", Integer.toString(hub.subscribers()));
      hub.close();
      Log.info(err, "hub stopped");
      stopped.countDown();
    }, "herald-shutdown"));

    String url = hub.url();
    Log.info(err, "hub started", "url", url, "transport", hub.transport(),
        "protocols", hub.secure() ? "h2,http/1.1 (TLS)" : "http/1.1,h2c", "store", eventLog.describe(),
        "anonymous", Boolean.toString(allowAnonymous), "subscriptions", !subscriptions ? "off" : store.equals("memory") || store.equals("sqlite")
            ? "this node" : "every node on the Redis",
        "secret", generated ? "generated" : "configured", "sources", Integer.toString(sources.size()));
    Log.info(err, "memory budgets", "max_heap", ByteSize.format(Runtime.getRuntime().maxMemory()),
        "cache_size", store.equals("memory") ? "none (the store is memory)" : ByteSize.format(cacheSize),
        "publish_bytes_in_flight", ByteSize.format(maxPublishBytesInFlight),
        "replay_budget", ByteSize.format(replayBudget), "replay_page_size", ByteSize.format(replayPageSize),
        "held_per_subscriber", ByteSize.format(writeBufferLimit), "max_update_size", ByteSize.format(maxUpdateSize));
    if (generated) {
      DevelopmentMode.announce(err, url, generatedSecret, allowAnonymous, !noUi, logFormat.equalsIgnoreCase("text"));
    }
    stopped.await();
    return 0;
  }

  /**
   * Binds, then opens the event log.
   *
   * @throws RuntimeError saying what stopped the hub: the address, or the store
   */
  private Hub start(Hub.Builder builder) throws InterruptedException, RuntimeError {
    String address = listen.getHostString() + ":" + listen.getPort();
    if (listen.isUnresolved()) {
      throw new RuntimeError("cannot listen on " + address + ": cannot resolve the host name '"
          + listen.getHostString() + "'");
    }
    try {
      return builder.start();
    } catch (IllegalStateException e) { // the store: another hub holds the data directory, Redis unreachable...
      throw new RuntimeError(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) { // Netty reports a taken port as a (native) IOException
      throw new RuntimeError("cannot listen on " + address + ": " + (e.getMessage() != null ? e.getMessage()
          : e.getClass().getSimpleName()));
    }
  }

  /** A failure of the run, not of its usage: reported without "Try --help", exit code 1. */
  private static final class RuntimeError extends Exception {
    RuntimeError(String message) {
      super(message);
    }
  }

  /**
   * How tokens of {@code role} are verified. The command line wins as a whole: when it configures the
   * role (its own options or the general ones), what the environment, the Mercure aliases or the file
   * say for that role is ignored, so a {@code --jwt-secret} typed by hand is never overridden by a
   * key found in the environment.
   */
  private Credential credentialFor(String role, java.net.URI roleJwks, String roleKey, String roleSecret) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    String[] names = {"--" + role + "-jwt-jwks-url", "--" + role + "-jwt-key", "--" + role + "-jwt-secret",
        "--jwt-jwks-url", "--jwt-key", "--jwt-secret"};
    boolean typed = false;
    for (String name : names) {
      typed |= parsed != null && parsed.hasMatchedOption(name);
    }
    if (!typed) {
      return Credential.pick(roleJwks, roleKey, roleSecret, jwtJwksUrl, jwtKey, jwtSecret);
    }
    return Credential.pick(typedOnly(parsed, names[0], roleJwks), typedOnly(parsed, names[1], roleKey),
        typedOnly(parsed, names[2], roleSecret), typedOnly(parsed, names[3], jwtJwksUrl),
        typedOnly(parsed, names[4], jwtKey), typedOnly(parsed, names[5], jwtSecret));
  }

  private static <T> T typedOnly(CommandLine.ParseResult parsed, String option, T value) {
    return parsed.hasMatchedOption(option) ? value : null;
  }
}
