package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the page said: console calls, browser log entries (failed loads, CSP, mixed content) and
 * uncaught exceptions, one line each, so that a failing browser test shows why.
 */
final class BrowserConsole {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<String> exceptions = new CopyOnWriteArrayList<>();

  /** Starts listening on {@code cdp} (enables the Runtime and Log domains). */
  static BrowserConsole attach(Cdp cdp) {
    BrowserConsole console = new BrowserConsole();
    cdp.on("Runtime.consoleAPICalled", console::consoleCalled);
    cdp.on("Runtime.exceptionThrown", console::exceptionThrown);
    cdp.on("Log.entryAdded", console::logEntry);
    cdp.send("Runtime.enable", Map.of());
    cdp.send("Log.enable", Map.of());
    return console;
  }

  /** Every line so far, oldest first. */
  List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** Uncaught exceptions and unhandled rejections so far: a page without JS errors has none. */
  List<String> exceptions() {
    return new ArrayList<>(exceptions);
  }

  /** Every line, for an assertion message. */
  @Override
  public String toString() {
    return lines.isEmpty() ? "(browser console empty)" : "browser console:\n  " + String.join("\n  ", lines);
  }

  private void consoleCalled(JsonNode params) {
    StringBuilder line = new StringBuilder("console.").append(params.path("type").asText()).append(':');
    for (JsonNode arg : params.path("args")) {
      line.append(' ').append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
    }
    lines.add(line.toString());
  }

  private void exceptionThrown(JsonNode params) {
    JsonNode details = params.path("exceptionDetails");
    String description = details.path("exception").path("description").asText(details.path("text").asText());
    String line = "exception: " + description + " (" + details.path("url").asText("?") + ':'
        + (details.path("lineNumber").asInt() + 1) + ')';
    exceptions.add(line);
    lines.add(line);
  }

  private void logEntry(JsonNode params) {
    JsonNode entry = params.path("entry");
    lines.add("log." + entry.path("level").asText() + " [" + entry.path("source").asText() + "]: "
        + entry.path("text").asText() + (entry.has("url") ? " " + entry.get("url").asText() : ""));
  }
}
