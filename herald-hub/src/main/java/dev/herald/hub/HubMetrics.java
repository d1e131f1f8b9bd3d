package dev.herald.hub;

import dev.herald.log.EventLog;
import dev.herald.log.LogStats;
import dev.herald.server.FanOut;
import dev.herald.server.HttpServer;
import dev.herald.source.SourceStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The hub's metrics in a Prometheus registry of its own: counters the hub's handlers increment,
 * values read from the server, fan-out and log at scrape time, and the JVM's. Names follow the
 * Prometheus conventions: {@code herald_} prefix, base units, {@code _total} on counters. The store's
 * figures are read once per scrape (they may touch the disk) and cached for a second.
 */
final class HubMetrics {
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
  /** The error codes a publish may be refused with (docs/observability.md lists them). */
  private static final String[] PUBLISH_ERRORS = {"missing_token", "invalid_token", "invalid_request",
      "forbidden", "csrf", "invalid_update", "unsupported_media_type", "id_conflict", "rate_limited",
      "store_unavailable"};
  /** The error codes a subscription may be refused with. */
  private static final String[] SUBSCRIBE_ERRORS = {"missing_topic", "invalid_topic", "too_many_topics",
      "missing_token", "invalid_token", "invalid_request", "store_unavailable"};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final EventLog log;
  private final HttpServer server;
  private final Clock clock;
  private final Counter published;
  private final Counter publishErrors;
  private final Counter subscribeErrors;
  private final Counter replays;
  private final Counter replayResets;
  private final Counter storeLosses;
  private final Histogram commitSeconds;
  private final Histogram commitBatch;
  private final Histogram deliveryDelay;
  final LatencyWindow commitLatency = new LatencyWindow(4096);
  private volatile LogStats cachedStats;
  private volatile long cachedAtNanos;

  HubMetrics(HttpServer server, FanOut<?> fanOut, EventLog log, Clock clock, MatchStats matches,
      Supplier<List<SourceStats>> sources) {
    this.server = server;
    this.log = log;
    this.clock = clock;
    published = Counter.builder().name("herald_updates_published_total")
        .help("Updates accepted and stored (idempotent repeats excluded)").register(registry);
    publishErrors = Counter.builder().name("herald_publish_errors_total")
        .help("Publishes refused, by reason (the error code in the response)").labelNames("reason").register(registry);
    subscribeErrors = Counter.builder().name("herald_subscribe_errors_total")
        .help("Subscriptions refused, by reason (the error code in the response)").labelNames("reason")
        .register(registry);
    // Every known reason at 0 from the start: a rate() or an alert needs the series before the first error.
    for (String reason : PUBLISH_ERRORS) {
      publishErrors.labelValues(reason);
    }
    for (String reason : SUBSCRIBE_ERRORS) {
      subscribeErrors.labelValues(reason);
    }
    replays = Counter.builder().name("herald_replays_total")
        .help("Subscriptions that asked for history (Last-Event-ID or lastEventID)").register(registry);
    replayResets = Counter.builder().name("herald_replay_resets_total")
        .help("Replays whose cursor was no longer retained: they started from the earliest update").register(registry);
    storeLosses = Counter.builder().name("herald_store_losses_total")
        .help("Times the event log lost updates it had acknowledged (Redis restarted without persistence, flushed,"
            + " or failed over to a replica without the last writes); every stream was ended").register(registry);
    commitSeconds = Histogram.builder().name("herald_store_commit_seconds").unit(Unit.SECONDS)
        .help("Time to store one group of appends").classicOnly()
        .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
        .register(registry);
    commitBatch = Histogram.builder().name("herald_store_commit_batch_size")
        .help("Updates stored per group commit").classicOnly()
        .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
    deliveryDelay = Histogram.builder().name("herald_delivery_delay_seconds").unit(Unit.SECONDS)
        .help("Per flush pass of an event loop, how long the oldest update it wrote waited since it was stored:"
            + " what the hub added to delivery (network and client excluded)").classicOnly()
        .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
        .register(registry);
    log.onCommit((updates, nanos) -> {
      commitSeconds.observe(nanos / 1e9);
      commitBatch.observe(updates);
      commitLatency.record(nanos);
    });

    GaugeWithCallback.builder().name("herald_subscribers")
        .help("Event streams open, by protocol").labelNames("protocol")
        .callback(callback -> {
          callback.call(server.openHttp1Streams(), "http1");
          callback.call(server.openHttp2Streams(), "http2");
        }).register(registry);
    gauge("herald_subscriptions", "Subscriptions registered with the fan-out", fanOut::size);
    gauge("herald_connections", "TCP connections open", server::openConnections);
    counter("herald_connections_refused_total", "Connections refused at a connection limit",
        server::connectionsRefused);
    counter("herald_connections_timed_out_total",
        "Connections closed for silence or a request that did not arrive in time", server::connectionsTimedOut);
    // the server counts what fan-outs write; the dashboard's stats stream writes without one
    counter("herald_updates_delivered_total", "Updates written to live subscriptions", server::deliveries);
    counter("herald_bytes_written_total", "Bytes of event-stream bodies queued for subscribers", server::bytesWritten);
    counter("herald_slow_consumer_disconnects_total", "Subscribers disconnected for reading too slowly",
        server::slowConsumersClosed);
    counter("herald_subscription_failures_total",
        "Subscriptions closed because delivering to them threw (every other subscriber still got the update)",
        server::subscriptionsFailed);
    counter("herald_topic_matches_given_up_total",
        "Template selector matches given up: the update's matching budget was spent (the subscriber missed it)",
        matches::budgetSpent);
    counter("herald_topic_matches_too_costly_total",
        "Template selector matches that cost more than one match may: counted as no match", matches::tooCostly);
    counter("herald_heartbeats_total", "Heartbeat comments sent to idle streams", server::heartbeatsSent);
    counter("herald_replayed_events_total", "Updates written to subscribers from history", server::eventsReplayed);
    counter("herald_replay_stalls_total",
        "Replays closed because their client took nothing for the stall timeout", server::replaysStalled);
    gauge("herald_replay_bytes_in_flight", "Bytes of history held by replays now (bounded by the replay budget)",
        server::replayBytesInFlight);
    gauge("herald_replays_waiting", "Replays waiting for room in the replay budget", server::replaysWaiting);
    gauge("herald_publish_bytes_in_flight",
        "Bytes of publish bodies received and not yet answered (bounded by --max-publish-bytes-in-flight)",
        server::bodyBytesInFlight);
    counter("herald_publish_overloaded_total",
        "Publishes refused 503 overloaded: their body did not fit in --max-publish-bytes-in-flight",
        server::bodiesRefused);

    gauge("herald_store_events", "Updates retained in the log", () -> stats().events());
    gauge("herald_store_content_bytes", "Bytes of update content retained", () -> orNaN(stats().contentBytes()));
    gauge("herald_store_file_bytes", "Bytes of the log on disk", () -> orNaN(stats().fileBytes()));
    gauge("herald_store_oldest_update_age_seconds", "Age of the oldest update retained", () -> {
      LogStats stats = stats();
      return stats.earliestTime() == null ? Double.NaN
          : Duration.between(stats.earliestTime(), clock.instant()).toMillis() / 1000.0;
    });
    gauge("herald_store_writable", "1 when the log's last write succeeded, else 0",
        () -> stats().writable() ? 1 : 0);
    registerSources(sources);
    // Constant labels set once: a scrape costs nothing more; joins on it tell which build a node runs.
    Info.builder().name("herald_build_info").help("The version and git commit of this hub (value 1)")
        .labelNames("version", "commit").register(registry)
        .setLabelValues(BuildInfo.CURRENT.version(), BuildInfo.CURRENT.commit());
    JvmMetrics.builder().register(registry);
  }

  /** Per source (label {@code source}: its URI without credentials), read from the runners at scrape time. */
  private void registerSources(Supplier<List<SourceStats>> sources) {
    CounterWithCallback.builder().name("herald_source_messages_total")
        .help("Messages taken from a source, by outcome: published (stored for the first time), duplicate"
            + " (redelivered, already stored: skipped), refused (could not become an update)")
        .labelNames("source", "outcome")
        .callback(callback -> {
          for (SourceStats stats : sources.get()) {
            callback.call(stats.published(), stats.name(), "published");
            callback.call(stats.duplicates(), stats.name(), "duplicate");
            callback.call(stats.refused(), stats.name(), "refused");
          }
        }).register(registry);
    CounterWithCallback.builder().name("herald_source_errors_total")
        .help("Failures of a source or of appends from it, each followed by a retry").labelNames("source")
        .callback(callback -> sources.get().forEach(stats -> callback.call(stats.errors(), stats.name())))
        .register(registry);
    GaugeWithCallback.builder().name("herald_source_lag_messages")
        .help("Messages waiting in a source (NaN when it cannot tell or is not running)").labelNames("source")
        .callback(callback -> sources.get().forEach(stats ->
            callback.call(stats.lag() < 0 ? Double.NaN : stats.lag(), stats.name())))
        .register(registry);
    GaugeWithCallback.builder().name("herald_source_up")
        .help("1 while a source is consuming; 0 while it reconnects or waits for the log").labelNames("source")
        .callback(callback -> sources.get().forEach(stats -> callback.call(stats.healthy() ? 1 : 0, stats.name())))
        .register(registry);
  }

  private void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help)
        .callback(callback -> callback.call(value.getAsDouble())).register(registry);
  }

  private void counter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder().name(name).help(help)
        .callback(callback -> callback.call(value.getAsDouble())).register(registry);
  }

  private static double orNaN(Long value) {
    return value == null ? Double.NaN : value;
  }

  /** The log's figures, read at most once a second. */
  LogStats stats() {
    long now = System.nanoTime();
    LogStats stats = cachedStats;
    if (stats == null || now - cachedAtNanos > 1_000_000_000L) {
      stats = log.stats();
      cachedStats = stats;
      cachedAtNanos = now;
    }
    return stats;
  }

  void deliveryDelay(long nanos) {
    deliveryDelay.observe(nanos / 1e9);
  }

  void published() {
    published.inc();
  }

  void publishError(String reason) {
    publishErrors.labelValues(reason).inc();
  }

  void subscribeError(String reason) {
    subscribeErrors.labelValues(reason).inc();
  }

  void storeLost() {
    storeLosses.inc();
  }

  void replayStarted(boolean cursorFound) {
    replays.inc();
    if (!cursorFound) {
      replayResets.inc();
    }
  }

  long publishedCount() {
    return (long) published.get();
  }

  long replayCount() {
    return (long) replays.get();
  }

  long replayedEventCount() {
    return server.eventsReplayed();
  }

  double publishErrorCount(String reason) {
    return publishErrors.labelValues(reason).get();
  }

  /**
   * Publish errors in the dashboard's groups: {@code unauthorized} (no, bad or malformed token),
   * {@code forbidden} (topic not allowed, CSRF), {@code invalid} (form, media type, id conflict),
   * {@code rate_limited}, {@code store_unavailable}.
   */
  double publishErrorGroup(String group) {
    String[] reasons = switch (group) {
      case "unauthorized" -> new String[] {"missing_token", "invalid_token", "invalid_request"};
      case "forbidden" -> new String[] {"forbidden", "csrf"};
      case "invalid" -> new String[] {"invalid_update", "unsupported_media_type", "id_conflict"};
      default -> new String[] {group};
    };
    double total = 0;
    for (String reason : reasons) {
      total += publishErrorCount(reason);
    }
    return total;
  }

  /** The Prometheus text exposition format's media type. */
  static String contentType() {
    return TEXT_FORMAT;
  }

  /** Everything, in the Prometheus text exposition format. */
  String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
