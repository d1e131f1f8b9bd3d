package dev.herald.hub;

import dev.herald.server.HttpExchange;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin access for browser subscribers and publishers on other origins. An origin on the
 * allowlist is echoed back with {@code Access-Control-Allow-Credentials: true}, so cookies (the
 * {@code mercureAuthorization} cookie) and {@code EventSource}'s {@code withCredentials} work. The
 * allowlist entry {@code *} answers {@code Access-Control-Allow-Origin: *} without credentials: an
 * arbitrary origin is never reflected with credentials. Preflight requests get 204 with the methods
 * and headers Mercure clients use.
 *
 * <p>Allowlist entries are compared with the {@code Origin} header byte for byte, so each must be
 * an origin as browsers serialize it ({@link #originProblem}): an entry such as
 * {@code http://localhost:3000/} could never match and is refused when the hub is built. An origin
 * refused at request time is logged at debug level.
 */
final class Cors {
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, Cache-Control";
  private static final System.Logger LOG = System.getLogger(Cors.class.getName());
  private final Set<String> origins;
  private final boolean any;

  Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.any = origins.contains("*");
  }

  /**
   * Why {@code value} is not an origin as a browser sends it ({@code scheme://host[:port]}, lower
   * case, no default port, no path, not even {@code /}), or {@code null} when it is one.
   */
  static String originProblem(String value) {
    if (value.equals("null")) {
      // Sandboxed frames, file: pages and redirects send "null": anyone can make a page that does.
      return "'null' is the origin of sandboxed and local pages, which any site can create";
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return "'" + value + "' is not an origin (scheme://host[:port]): " + e.getReason();
    }
    if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null) {
      return "'" + value + "' is not an origin: expected scheme://host[:port], e.g. https://app.example";
    }
    String expected = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 || isDefaultPort(uri) ? "" : ":" + uri.getPort());
    String reason = null;
    if (uri.getRawUserInfo() != null) {
      reason = "it has user information";
    } else if (!uri.getRawPath().isEmpty()) {
      reason = "it has a path ('" + uri.getRawPath() + "') and browsers send none, not even a trailing slash";
    } else if (uri.getRawQuery() != null || uri.getRawFragment() != null || value.endsWith("?")
        || value.endsWith("#")) {
      reason = "it has a query or fragment";
    } else if (isDefaultPort(uri)) {
      reason = "browsers leave out the scheme's default port";
    } else if (!value.equals(expected)) {
      reason = "browsers send the scheme and host in lower case";
    }
    return reason == null ? null : "'" + value + "' can never match a browser's Origin header: " + reason
        + "; use '" + expected + "'";
  }

  private static boolean isDefaultPort(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    return (scheme.equals("http") && uri.getPort() == 80) || (scheme.equals("https") && uri.getPort() == 443);
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
      if (!sameOrigin(exchange, origin)) { // browsers send Origin on some same-origin requests too
        LOG.log(System.Logger.Level.DEBUG, () -> "cross-origin request refused: origin=" + printable(origin)
            + " path=" + printable(exchange.path()) + " (not on the --cors-origin list)");
      }
      return false;
    }
    exchange.addResponseHeader("Access-Control-Expose-Headers", "Last-Event-ID");
    return true;
  }

  private static boolean sameOrigin(HttpExchange exchange, String origin) {
    String host = exchange.header("Host");
    int authority = origin.indexOf("://");
    return host != null && authority > 0 && origin.substring(authority + 3).equalsIgnoreCase(host);
  }

  /** The value cut to printable ASCII, so that a header cannot forge log lines. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), 200));
    for (int i = 0; i < value.length() && i < 200; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x21 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  /** Answers a preflight for the hub's endpoint. */
  static void preflight(HttpExchange exchange) {
    exchange.respondEmpty(204,
        "Access-Control-Allow-Methods", "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers", ALLOWED_HEADERS,
        "Access-Control-Max-Age", "600");
  }
}
