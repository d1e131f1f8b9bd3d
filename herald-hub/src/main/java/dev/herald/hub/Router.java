package dev.herald.hub;

import dev.herald.server.HttpExchange;
import dev.herald.source.SourceStats;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Routes the hub's requests: the Mercure endpoint to its publisher and subscriber, the health,
 * metrics and dashboard paths to theirs. Built whole before the server accepts its first connection.
 */
final class Router {
  private final Cors cors;
  private final Publisher publisher;
  private final Subscriber subscriber;
  private final SubscriptionsApi subscriptions;
  private final HubMetrics metrics;
  private final BooleanSupplier listening;
  private final StatsStream stats;
  private final StaticFiles files;
  private final Supplier<List<SourceStats>> sources;

  /** {@code stats} and {@code files} are null without the dashboard, {@code subscriptions} without presence. */
  Router(Cors cors, Publisher publisher, Subscriber subscriber, SubscriptionsApi subscriptions, HubMetrics metrics,
      BooleanSupplier listening, StatsStream stats, StaticFiles files, Supplier<List<SourceStats>> sources) {
    this.sources = sources;
    this.subscriptions = subscriptions;
    this.cors = cors;
    this.publisher = publisher;
    this.subscriber = subscriber;
    this.metrics = metrics;
    this.listening = listening;
    this.stats = stats;
    this.files = files;
  }

  void route(HttpExchange exchange) {
    String path = exchange.path();
    boolean crossOrigin = cors.apply(exchange);
    if (path.equals(Hub.PATH)) {
      switch (exchange.method()) {
        case "GET" -> subscriber.handle(exchange);
        case "POST" -> publisher.handle(exchange);
        case "OPTIONS" -> {
          if (crossOrigin) {
            Cors.preflight(exchange);
          } else {
            exchange.respondEmpty(204, "Allow", "GET, POST, OPTIONS");
          }
        }
        default -> Responses.error(exchange, 405, "method_not_allowed",
            exchange.method() + " is not supported here; use GET to subscribe, POST to publish",
            "Allow", "GET, POST, OPTIONS");
      }
    } else if (subscriptions != null && (path.equals(SubscriptionTopics.PREFIX)
        || path.startsWith(SubscriptionTopics.PREFIX + "/"))) {
      if (exchange.method().equals("OPTIONS") && crossOrigin) {
        Cors.preflight(exchange);
      } else {
        subscriptions.handle(exchange);
      }
    } else if (path.equals("/healthz")) {
      exchange.respond(200, Responses.JSON, "{\"status\":\"ok\"}\n");
    } else if (path.equals("/readyz")) {
      readiness(exchange);
    } else if (path.equals("/metrics") && exchange.method().equals("GET")) {
      exchange.respond(200, HubMetrics.contentType(), metrics.scrape());
    } else if (files != null && files.has(path) && exchange.method().equals("GET")) {
      files.serve(exchange, path);
    } else if (stats != null && path.equals(StatsStream.PATH) && exchange.method().equals("GET")) {
      stats.handle(exchange);
    } else if (path.equals("/") && exchange.method().equals("GET")) {
      Responses.text(exchange, "Herald hub (Mercure protocol).\n"
          + "Subscribe: GET " + Hub.PATH + "?topic=<selector>\n"
          + "Publish:   POST " + Hub.PATH + " (form: topic, data, id, type, retry, private; Bearer JWT)\n"
          + "Health:    GET /healthz, GET /readyz\n"
          + "Metrics:   GET /metrics (Prometheus)\n");
    } else {
      Responses.error(exchange, 404, "not_found", "no such resource; the hub is at " + Hub.PATH);
    }
  }

  /**
   * 200 when the hub can take publishes (listening, the log writable), else 503; JSON either way. The
   * sources are reported but do not decide: a hub whose broker is down still takes publishes, and
   * taking it out of a load balancer would not bring the broker back.
   */
  private void readiness(HttpExchange exchange) {
    HubHealth health = HubHealth.check(metrics, listening);
    boolean isReady = health.ready();
    StringBuilder sourceChecks = new StringBuilder();
    for (SourceStats source : sources.get()) {
      sourceChecks.append(sourceChecks.length() == 0 ? "" : ",")
          .append("{\"name\":").append(Json.string(source.name()))
          .append(",\"ok\":").append(source.healthy())
          .append(",\"state\":").append(Json.string(source.state()))
          .append(",\"lag\":").append(source.lag())
          .append(source.lastError() == null ? "" : ",\"lastError\":" + Json.string(source.lastError()))
          .append('}');
    }
    String body = "{\"status\":\"" + (isReady ? "ready" : "unready") + "\",\"checks\":{"
        + "\"listening\":{\"ok\":" + health.listening() + "},"
        + "\"store\":{\"ok\":" + health.storeWritable() + ",\"detail\":" + Json.string(health.storeDetail()) + "},"
        + "\"sources\":[" + sourceChecks + "]}}\n";
    exchange.respond(isReady ? 200 : 503, Responses.JSON, body);
  }
}
