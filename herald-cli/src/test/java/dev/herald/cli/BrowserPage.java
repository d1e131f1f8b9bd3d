package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.hub.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One tab of a headless Chromium driven over the DevTools Protocol: navigate, evaluate JavaScript,
 * wait for a condition, click, type and take screenshots. Every wait has a deadline, and every
 * failure message carries the page's console (see {@link BrowserConsole}). Skips the test when no
 * Chromium is installed, like {@link Chromium#require()}.
 *
 * <pre>{@code
 * try (BrowserPage page = BrowserPage.open()) {
 *   page.navigate(url);
 *   page.type("#name", "Ada");
 *   page.click("#send");
 *   page.waitFor("document.querySelector('#out').textContent !== ''", Duration.ofSeconds(5));
 *   page.screenshot(Path.of("target/screenshots/form.png"), 390);
 * }
 * }</pre>
 */
final class BrowserPage implements AutoCloseable {
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final Chromium browser;
  private final Cdp cdp;
  private final BrowserConsole console;

  private BrowserPage(Chromium browser, Cdp cdp, BrowserConsole console) {
    this.browser = browser;
    this.cdp = cdp;
    this.console = console;
  }

  /** Starts a fresh browser (its own profile) and attaches to its one page, 1280 px wide. */
  static BrowserPage open(String... extraFlags) throws IOException, InterruptedException {
    Chromium browser = Chromium.openForDevTools(extraFlags);
    try {
      int port = browser.devToolsPort(Duration.ofSeconds(30));
      Cdp cdp = Cdp.connect(pageTarget(port), Duration.ofSeconds(10));
      BrowserConsole console = BrowserConsole.attach(cdp);
      cdp.send("Page.enable", Map.of());
      BrowserPage page = new BrowserPage(browser, cdp, console);
      page.viewport(1280, 900);
      return page;
    } catch (IOException | RuntimeException | Error | InterruptedException e) {
      browser.close();
      throw e;
    }
  }

  /** The WebSocket URL of the browser's first page target, from the {@code /json/list} endpoint. */
  private static URI pageTarget(int port) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
        .timeout(Duration.ofSeconds(10)).build();
    JsonNode targets = Cdp.JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    for (JsonNode target : targets) {
      if ("page".equals(target.path("type").asText())) {
        return URI.create(target.path("webSocketDebuggerUrl").asText());
      }
    }
    throw new IOException("Chromium has no page target: " + targets);
  }

  /** Loads {@code url} and waits for its load event; a network error or HTTP failure to load fails. */
  void navigate(String url) {
    var loaded = cdp.next("Page.loadEventFired");
    JsonNode result = cdp.send("Page.navigate", Map.of("url", url));
    if (result.hasNonNull("errorText")) {
      throw new AssertionError("navigate " + url + ": " + result.get("errorText").asText() + "\n" + console);
    }
    awaitLoad(loaded, "navigate " + url);
  }

  /**
   * Reloads the page as the browser's reload button does (the tab's sessionStorage survives, the
   * page's scripts start over) and waits for its load event.
   */
  void reload() {
    var loaded = cdp.next("Page.loadEventFired");
    cdp.send("Page.reload", Map.of());
    awaitLoad(loaded, "reload");
  }

  private void awaitLoad(CompletableFuture<JsonNode> loaded, String what) {
    try {
      loaded.get(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new AssertionError(what + ": no load event within " + DEFAULT_WAIT + "\n" + console, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Evaluates {@code expression} in the page, awaiting it if it is a promise. Returns a string as
   * is, {@code null} for undefined or null, and any other value as JSON text. A thrown error fails.
   */
  String evaluate(String expression) {
    JsonNode reply = cdp.send("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
        "returnByValue", true, "userGesture", true));
    if (reply.has("exceptionDetails")) {
      JsonNode details = reply.get("exceptionDetails");
      String why = details.path("exception").path("description").asText(details.path("text").asText());
      throw new AssertionError("evaluate `" + expression + "` threw: " + why + "\n" + console);
    }
    JsonNode value = reply.path("result").path("value");
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  /** Polls the truthiness of {@code predicate} every 50 ms until it holds or {@code timeout} passes. */
  void waitFor(String predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String check = "!!(" + predicate + ")";
    while (!"true".equals(evaluate(check))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still false after " + timeout + ": " + predicate + "\n" + console);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /**
   * Clicks the centre of the first element matching {@code selector} with real mouse events, so a
   * hidden, disabled or covered element is not clicked, as for a user.
   */
  void click(String selector) {
    String box = evaluate("(() => { const el = document.querySelector(" + quote(selector) + ");"
        + " if (!el) throw new Error('no element matches ' + " + quote(selector) + ");"
        + " el.scrollIntoView({block: 'center', inline: 'center'});"
        + " const r = el.getBoundingClientRect(); return JSON.stringify([r.x + r.width / 2, r.y + r.height / 2]); })()");
    JsonNode centre = readJson(box);
    double x = centre.get(0).asDouble();
    double y = centre.get(1).asDouble();
    cdp.send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    for (String type : List.of("mousePressed", "mouseReleased")) {
      cdp.send("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
    }
  }

  /**
   * Replaces the value of the input or textarea matching {@code selector} with {@code text}, typed
   * as the keyboard would (focus, then {@code Input.insertText}: the page sees input events).
   */
  void type(String selector, String text) {
    evaluate("(() => { const el = document.querySelector(" + quote(selector) + ");"
        + " if (!el) throw new Error('no element matches ' + " + quote(selector) + ");"
        + " el.focus(); el.select ? el.select() : document.execCommand('selectAll'); })()");
    if (text.isEmpty()) {
      cdp.send("Input.dispatchKeyEvent", Map.of("type", "keyDown", "key", "Backspace", "code", "Backspace",
          "windowsVirtualKeyCode", 8));
      cdp.send("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", "Backspace", "code", "Backspace",
          "windowsVirtualKeyCode", 8));
    } else {
      cdp.send("Input.insertText", Map.of("text", text));
    }
  }

  /** Emulates a viewport of {@code width} x {@code height} CSS pixels; narrow ones as a phone. */
  void viewport(int width, int height) {
    cdp.send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
        "deviceScaleFactor", 1, "mobile", width < 600));
  }

  /** Emulates {@code prefers-color-scheme}: "light", "dark", or "" for the default. */
  void colorScheme(String scheme) {
    cdp.send("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** Writes a PNG of the whole page (not only the viewport) to {@code file}, creating directories. */
  void screenshot(Path file) throws IOException {
    JsonNode size = cdp.send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", Math.ceil(size.path("width").asDouble()),
        "height", Math.ceil(size.path("height").asDouble()), "scale", 1);
    JsonNode shot = cdp.send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
        "clip", clip), Duration.ofSeconds(30));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  /** Sets the viewport to {@code width} CSS pixels (900 high), lets layout settle, then {@link #screenshot(Path)}. */
  void screenshot(Path file, int width) throws IOException {
    viewport(width, 900);
    evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    screenshot(file);
  }

  /** What the page logged so far. */
  BrowserConsole console() {
    return console;
  }

  /** {@code value} as a JavaScript string literal (JSON's is one). */
  static String quote(String value) {
    return Json.string(value);
  }

  private JsonNode readJson(String text) {
    try {
      return Cdp.JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      cdp.close();
    } finally {
      browser.close();
    }
  }
}
