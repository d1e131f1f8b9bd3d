package dev.herald.cli;

import dev.herald.hub.Json;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Prints dispatched events: as canonical {@code text/event-stream} (type always, id when set, one
 * {@code data:} line per line) or as one JSON object per line. Flushes after each event.
 */
final class EventPrinter {
  private final PrintWriter out;
  private final boolean json;

  EventPrinter(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  void event(SseEvent event) {
    if (json) {
      out.print("{\"type\":" + Json.string(event.type()) + ",\"data\":" + Json.string(event.data())
          + ",\"lastEventId\":" + Json.string(event.id()) + "}\n");
    } else {
      SseEvent shown = new SseEvent(event.id().isEmpty() ? null : event.id(), event.type(),
          event.data(), null, null);
      out.print(new String(SseEncoder.encode(shown), StandardCharsets.UTF_8));
    }
    out.flush();
  }

  /** Comments are shown only in text mode: JSON output carries dispatched events and nothing else. */
  void comment(String comment) {
    if (!json) {
      out.print(new String(SseEncoder.encode(SseEvent.comment(comment)), StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
