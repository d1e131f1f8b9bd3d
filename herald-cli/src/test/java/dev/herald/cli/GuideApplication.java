package dev.herald.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.client.HubTokens;
import dev.herald.client.SubscriberCookie;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web application of docs/browser.md, as small as a test allows: it serves pages on its own
 * origin ({@code http://localhost:<port>}), and with a signed-in page it sets the
 * {@code mercureAuthorization} cookie of its user, 42, built by {@link #mercureCookie} (which the
 * guide shows as it is). Its user is always signed in: sessions are not what the guide is about.
 */
final class GuideApplication implements AutoCloseable {
  static final String USER = "42";

  private final HttpServer server;
  private final String secret;
  private final Map<String, Page> pages = new ConcurrentHashMap<>();

  private record Page(String html, boolean signedIn) {}

  private GuideApplication(HttpServer server, String secret) {
    this.server = server;
    this.secret = secret;
  }

  /** Listens on a free loopback port; pages are added with {@link #page}. */
  static GuideApplication start(String secret) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    GuideApplication application = new GuideApplication(server, secret);
    server.createContext("/", application::serve);
    server.start();
    return application;
  }

  /**
   * The origin pages are served from. {@code localhost}, not {@code 127.0.0.1}: cookies belong to a
   * host name, and Chromium keeps a {@code Secure} cookie from plain HTTP only on {@code localhost}.
   */
  String origin() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  /** Serves {@code html} at {@code path}; a {@code signedIn} page comes with the user's cookie. */
  void page(String path, String html, boolean signedIn) {
    pages.put(path, new Page(html, signedIn));
  }

  // The guide shows this method as it is (BrowserGuideTest checks), from its first line to its last.
  /** The {@code Set-Cookie} value that lets this user's browser subscribe to the hub. */
  static String mercureCookie(String secret, String userId, String cookieDomain) {
    // The token may receive the private updates of this user's inbox, and no one else's.
    String jwt = HubTokens.subscriber(secret, List.of("https://example.com/users/" + userId + "/inbox"),
        Duration.ofHours(1));
    // The defaults: Path=/.well-known/mercure; HttpOnly; Secure; SameSite=Strict. Max-Age: the token's life.
    SubscriberCookie.Builder cookie = SubscriberCookie.builder(jwt).maxAge(Duration.ofHours(1));
    if (cookieDomain != null) {
      cookie.domain(cookieDomain); // "example.com": sent to hub.example.com too; none on localhost
    }
    return cookie.build().headerValue();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      Page page = pages.get(exchange.getRequestURI().getPath());
      if (page == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (page.signedIn()) {
        exchange.getResponseHeaders().add("Set-Cookie", mercureCookie(secret, USER, null));
      }
      byte[] body = page.html().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
