package dev.herald.sse;

import java.time.Duration;

/**
 * A deliberately naive transcription of the WHATWG parsing algorithm for differential tests: it
 * decodes the whole stream first, then walks it line by line over a {@code String}. Only the two
 * documented choices of {@link EventStreamParser} are copied: an empty or overflowing {@code retry}
 * is ignored, and a comment loses its colon and one space before reaching the listener.
 */
final class SpecReferenceParser {
  private SpecReferenceParser() {}

  /** Parses a complete stream; returns the last event ID string at its end. */
  static String parse(byte[] stream, EventStreamParser.Listener listener) {
    String text = Utf8.decodeExactly(stream, 0, stream.length);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    StringBuilder data = new StringBuilder();
    String type = "";
    String idBuffer = "";
    String lastEventId = "";
    int position = 0;
    while (true) {
      int lf = text.indexOf('\n', position);
      int cr = text.indexOf('\r', position);
      int end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) {
        return lastEventId; // an unterminated last line is never processed
      }
      String line = text.substring(position, end);
      position = end + (text.startsWith("\r\n", end) ? 2 : 1);

      if (line.isEmpty()) {
        lastEventId = idBuffer;
        if (data.length() == 0) {
          type = "";
          continue;
        }
        if (data.charAt(data.length() - 1) == '\n') {
          data.setLength(data.length() - 1);
        }
        listener.onEvent(new SseEvent(lastEventId, type.isEmpty() ? "message" : type,
            data.toString(), null, null));
        data.setLength(0);
        type = "";
        continue;
      }
      if (line.startsWith(":")) {
        String comment = line.substring(1);
        listener.onComment(comment.startsWith(" ") ? comment.substring(1) : comment);
        continue;
      }
      String field = line;
      String value = "";
      int colon = line.indexOf(':');
      if (colon >= 0) {
        field = line.substring(0, colon);
        value = line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> data.append(value).append('\n');
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            idBuffer = value;
          }
        }
        case "retry" -> {
          if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
              listener.onRetry(Duration.ofMillis(Long.parseLong(value)));
            } catch (NumberFormatException tooLarge) {
              // ignored, as documented by EventStreamParser
            }
          }
        }
        default -> {
          // unknown field: ignored
        }
      }
    }
  }
}
