package dev.herald.hub;

import dev.herald.log.LogStats;
import dev.herald.server.HttpExchange;
import dev.herald.server.HttpServer;
import dev.herald.server.SseStream;
import dev.herald.source.SourceStats;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.herald.log.ActiveSubscription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /.well-known/herald/stats}: the dashboard's live numbers as an event stream, one
 * {@code stats} event a second with a JSON object, encoded and framed once for every open stream.
 * Figures come from {@link HubMetrics} and the server; rates are per second over the last tick. The
 * streams are written directly, not through a {@link dev.herald.server.FanOut}: a fan-out counts
 * what it writes as updates delivered, and an open dashboard must not raise
 * {@code herald_updates_delivered_total} (nor its own "delivered" figure) with nothing published.
 */
final class StatsStream implements AutoCloseable {
  static final String PATH = "/.well-known/herald/stats";
  /** The topic a subscriber token must be allowed to subscribe to, when the dashboard is protected. */
  static final String TOPIC = "herald:stats";

  private final HttpServer server;
  private final HubMetrics metrics;
  private final JwtVerifier verifier;
  private final boolean open;
  private final Clock clock;
  private final Instant started;
  private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker;
  private final String version;
  private long lastNanos = System.nanoTime();
  private long lastPublished;
  private long lastDelivered;
  private volatile byte[] latest;
  /** Null when the hub does not track active subscriptions. */
  private final Presence presence;
  /** The sources the hub consumes (none for most hubs). */
  private final Supplier<List<SourceStats>> sources;
  /** The most topics the dashboard lists by their subscriptions. */
  static final int TOP_TOPICS = 20;

  /**
   * {@code open}: anyone may watch; else a subscriber token, checked by {@code verifier}, must allow
   * the topic {@value #TOPIC}.
   */
  StatsStream(HttpServer server, HubMetrics metrics, Clock clock, JwtVerifier verifier, boolean open,
      Presence presence, Supplier<List<SourceStats>> sources) {
    this.sources = sources;
    this.presence = presence;
    this.server = server;
    this.verifier = verifier;
    this.open = open;
    this.metrics = metrics;
    this.clock = clock;
    this.started = clock.instant();
    String implementation = Hub.class.getPackage().getImplementationVersion();
    this.version = implementation == null ? "development build" : implementation;
    this.ticker = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "herald-stats");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  /** Answers a request for the stream: authorizes it, then opens it. */
  void handle(HttpExchange exchange) {
    if (open) {
      openStream(exchange);
      return;
    }
    String token;
    try {
      token = TokenLocator.find(exchange);
      if (token == null) {
        throw new AuthException("missing_token", "the dashboard's stats need a subscriber token allowed to"
            + " subscribe to '" + TOPIC + "' (query parameter authorization, cookie or Authorization header)");
      }
    } catch (AuthException refusal) {
      Responses.unauthorized(exchange, refusal);
      return;
    }
    Verified.then(exchange, verifier.verifyAsync(token), claims -> {
      if (TopicSelector.anyMatches(claims.subscribe(), List.of(TOPIC))) {
        openStream(exchange);
      } else {
        Responses.error(exchange, 403, "forbidden", "the token may not subscribe to '" + TOPIC + "'");
      }
    });
  }

  /** Opens a stats stream on the exchange, the latest figures first. */
  private void openStream(HttpExchange exchange) {
    SseStream stream = exchange.openStream("Cache-Control", Subscriber.CACHE_CONTROL);
    byte[] current = latest;
    if (current != null) {
      stream.sendEncoded(current);
      stream.flush();
    }
    streams.add(stream);
    stream.closeFuture().addListener(closed -> streams.remove(stream));
  }

  /** Writes one event to every open stream, each on its own event loop (a few dashboards: no sharing needed). */
  private void send(byte[] event) {
    for (SseStream stream : streams) {
      try {
        stream.eventLoop().execute(() -> {
          if (stream.sendEncoded(event)) { // a closed or too slow stream writes nothing
            stream.flush();
          }
        });
      } catch (RejectedExecutionException shuttingDown) {
        return;
      }
    }
  }

  private void tick() {
    try {
      byte[] event = SseEncoder.encode(SseEvent.builder().type("stats").data(snapshot()).build());
      latest = event;
      if (!streams.isEmpty()) {
        send(event);
      }
    } catch (RuntimeException e) {
      // A failing figure (an unreadable store) must not stop the ticks: report what can be read.
      System.getLogger(StatsStream.class.getName()).log(System.Logger.Level.WARNING,
          "computing dashboard stats failed: " + e.getMessage());
    }
  }

  /** The figures as the JSON object documented in docs/observability.md. */
  String snapshot() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    long published = metrics.publishedCount();
    long delivered = server.deliveries();
    double publishRate = (published - lastPublished) / seconds;
    double deliveryRate = (delivered - lastDelivered) / seconds;
    lastNanos = now;
    lastPublished = published;
    lastDelivered = delivered;
    LatencyWindow.Percentiles latency = metrics.commitLatency.drain();
    LogStats store = metrics.stats();
    StringBuilder json = new StringBuilder(512).append('{');
    field(json, "version", Json.string(version));
    field(json, "uptimeSeconds", Json.number(Duration.between(started, clock.instant()).toSeconds()));
    field(json, "subscribers", Json.number(server.openHttp1Streams() + server.openHttp2Streams()));
    json.append("\"subscribersByProtocol\":{\"http1\":").append(server.openHttp1Streams())
        .append(",\"http2\":").append(server.openHttp2Streams()).append("},");
    field(json, "connections", Json.number(server.openConnections()));
    field(json, "published", Json.number(published));
    field(json, "delivered", Json.number(delivered));
    field(json, "publishRate", Json.number(publishRate));
    field(json, "deliveryRate", Json.number(deliveryRate));
    json.append("\"appendLatencyMs\":{\"p50\":").append(latency == null ? "null" : Json.number(latency.p50()))
        .append(",\"p99\":").append(latency == null ? "null" : Json.number(latency.p99())).append("},");
    field(json, "slowDisconnects", Json.number(server.slowConsumersClosed()));
    json.append("\"publishErrors\":{");
    String[] reasons = {"unauthorized", "forbidden", "invalid", "rate_limited", "store_unavailable"};
    for (int i = 0; i < reasons.length; i++) {
      json.append(i == 0 ? "" : ",").append(Json.string(reasons[i])).append(':')
          .append(Json.number((long) metrics.publishErrorGroup(reasons[i])));
    }
    json.append("},");
    field(json, "replays", Json.number(metrics.replayCount()));
    field(json, "replayedEvents", Json.number(metrics.replayedEventCount()));
    field(json, "subscriptions", subscriptions());
    field(json, "sources", sources());
    json.append("\"store\":{");
    field(json, "kind", Json.string(store.kind()));
    field(json, "bytes", Json.number(store.fileBytes() != null ? store.fileBytes() : store.contentBytes()));
    field(json, "events", Json.number(store.events()));
    field(json, "earliestId", Json.string(store.earliestId()));
    field(json, "latestId", Json.string(store.latestId()));
    field(json, "oldestAgeSeconds", store.earliestTime() == null ? "null"
        : Json.number(Duration.between(store.earliestTime(), clock.instant()).toSeconds()));
    field(json, "writable", Boolean.toString(store.writable()));
    json.append("\"retention\":");
    if (store.retention() == null) {
      json.append("null");
    } else {
      json.append("{\"events\":").append(store.retention().maxEvents())
          .append(",\"bytes\":").append(store.retention().maxBytes())
          .append(",\"ageSeconds\":").append(store.retention().maxAge().toSeconds()).append('}');
    }
    return json.append("}}").toString();
  }

  /**
   * {@code "subscriptions"}: {@code null} without presence, else the total and the topic selectors
   * with the most active subscriptions (every node's, with a shared registry).
   */
  private String subscriptions() {
    if (presence == null) {
      return "null";
    }
    Map<String, Integer> byTopic = new HashMap<>();
    List<ActiveSubscription> all = presence.all();
    for (ActiveSubscription subscription : all) {
      byTopic.merge(subscription.selector(), 1, Integer::sum);
    }
    StringBuilder json = new StringBuilder(64).append("{\"total\":").append(all.size())
        .append(",\"topics\":").append(byTopic.size()).append(",\"byTopic\":[");
    byTopic.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP_TOPICS)
        .forEach(entry -> json.append(json.charAt(json.length() - 1) == '[' ? "" : ",")
            .append("{\"topic\":").append(Json.string(entry.getKey())).append(",\"count\":")
            .append(entry.getValue()).append('}'));
    return json.append("]}").toString();
  }

  /** {@code "sources"}: what each source the hub consumes has done (an empty array when there is none). */
  private String sources() {
    StringBuilder json = new StringBuilder(64).append('[');
    for (SourceStats source : sources.get()) {
      json.append(json.length() == 1 ? "" : ",").append('{');
      field(json, "name", Json.string(source.name()));
      field(json, "state", Json.string(source.state()));
      field(json, "consumed", Json.number(source.consumed()));
      field(json, "published", Json.number(source.published()));
      field(json, "duplicates", Json.number(source.duplicates()));
      field(json, "refused", Json.number(source.refused()));
      field(json, "errors", Json.number(source.errors()));
      field(json, "lag", source.lag() < 0 ? "null" : Json.number(source.lag()));
      json.append("\"lastError\":").append(source.lastError() == null ? "null" : Json.string(source.lastError()))
          .append('}');
    }
    return json.append(']').toString();
  }

  private static void field(StringBuilder json, String name, String value) {
    json.append('"').append(name).append("\":").append(value).append(',');
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
