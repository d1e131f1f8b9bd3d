package dev.herald.hub;

import dev.herald.server.HttpExchange;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin access for browser subscribers and publishers on other origins. An origin on the
 * allowlist is echoed back with {@code Access-Control-Allow-Credentials: true}, so cookies (the
 * {@code mercureAuthorization} cookie) and {@code EventSource}'s {@code withCredentials} work. The
 * allowlist entry {@code *} answers {@code Access-Control-Allow-Origin: *} without credentials: an
 * arbitrary origin is never reflected with credentials. Preflight requests get 204 with the methods
 * and headers Mercure clients use.
 */
final class Cors {
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, Cache-Control";
  private final Set<String> origins;
  private final boolean any;

  Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.any = origins.contains("*");
  }

  /** Whether this exchange came from an allowed other origin; if so, its response carries the CORS headers. */
  boolean apply(HttpExchange exchange) {
    String origin = exchange.header("Origin");
    if (origin == null) {
      return false;
    }
    exchange.addResponseHeader("Vary", "Origin");
    if (origins.contains(origin)) {
      exchange.addResponseHeader("Access-Control-Allow-Origin", origin);
      exchange.addResponseHeader("Access-Control-Allow-Credentials", "true");
    } else if (any) {
      exchange.addResponseHeader("Access-Control-Allow-Origin", "*");
    } else {
      return false;
    }
    exchange.addResponseHeader("Access-Control-Expose-Headers", "Last-Event-ID");
    return true;
  }

  /** Answers a preflight for the hub's endpoint. */
  static void preflight(HttpExchange exchange) {
    exchange.respondEmpty(204,
        "Access-Control-Allow-Methods", "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers", ALLOWED_HEADERS,
        "Access-Control-Max-Age", "600");
  }
}
