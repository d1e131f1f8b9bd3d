package dev.herald.hub;

import dev.herald.server.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's files, read once from the classpath ({@code dev/herald/hub/ui/}) and served with
 * headers that keep the page to itself: a strict Content-Security-Policy (own scripts, styles and
 * connections only), no sniffing, no framing, no referrer.
 */
final class StaticFiles {
  private static final String[] SECURITY_HEADERS = {
      "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer",
      "Cache-Control", "no-cache"};

  private record File(String contentType, String body) {}

  private final Map<String, File> files = new LinkedHashMap<>();

  /** Loads the dashboard; fails at start if a file is missing from the build. */
  StaticFiles() {
    files.put("/", load("index.html", "text/html; charset=utf-8"));
    files.put("/ui/app.css", load("app.css", "text/css; charset=utf-8"));
    files.put("/ui/app.js", load("app.js", "text/javascript; charset=utf-8"));
  }

  /** Whether {@code path} is one of the dashboard's files. */
  boolean has(String path) {
    return files.containsKey(path);
  }

  /** Serves the file at {@code path} (see {@link #has}). */
  void serve(HttpExchange exchange, String path) {
    File file = files.get(path);
    exchange.respond(200, file.contentType(), file.body(), SECURITY_HEADERS);
  }

  private static File load(String name, String contentType) {
    try (InputStream in = StaticFiles.class.getResourceAsStream("ui/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard file ui/" + name + " is missing from the build");
      }
      return new File(contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
