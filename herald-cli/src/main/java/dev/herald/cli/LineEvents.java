package dev.herald.cli;

import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns text, fed in pieces as it arrives, into one SSE event per line ({@code herald publish --stream
 * --lines}): each line becomes {@code event: TYPE} (when given) and {@code data: LINE}, then a blank
 * line. Lines end with LF, CRLF or a lone CR (the three SSE itself knows, so no CR can reach a
 * {@code data:} line and split it); a CRLF split across two pieces is one line end.
 *
 * <p>Decisions: an empty line is an event with empty data, so a viewer can rebuild the text line for
 * line; a last line without a line end is an event too, at {@link #end()}, as text tools count it.
 * A line is sent once complete, so the stream is always between lines when input pauses (where a
 * heartbeat comment may go); a line longer than {@link #MAX_BUFFERED_LINE} bytes is passed on in pieces
 * instead of held whole (a hub refuses an event larger than its limit, 1 MiB by default).
 * Bytes are passed on as they are: invalid UTF-8 becomes U+FFFD at the hub's parser.
 */
final class LineEvents {
  /** The most bytes of one line held before its event is sent in pieces. */
  static final int MAX_BUFFERED_LINE = 1 << 20;
  private static final byte[] EVENT_END = {'\n', '\n'};

  private final byte[] prefix;
  private final int maxBuffered;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  /** The current line outgrew the buffer: its prefix and first bytes are sent already. */
  private boolean lineStarted;
  /** The previous piece ended with CR: an LF starting this one belongs to that line end. */
  private boolean skipLf;
  private boolean lineOpen;

  /** Events of type {@code type} ({@code null}: no {@code event:} field, i.e. {@code message}). */
  LineEvents(String type) {
    this(type, MAX_BUFFERED_LINE);
  }

  LineEvents(String type, int maxBuffered) {
    if (type != null) {
      new SseEvent(null, type, null, null, null); // throws for a type with a line break
    }
    this.prefix = ((type == null ? "" : "event: " + type + "\n") + "data: ").getBytes(StandardCharsets.UTF_8);
    this.maxBuffered = maxBuffered;
  }

  /** The event bytes that {@code bytes[offset, offset + length)} completes; empty when none. */
  byte[] feed(byte[] bytes, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int end = offset + length;
    int i = offset;
    if (skipLf && i < end) {
      skipLf = false;
      if (bytes[i] == '\n') {
        i++;
      }
    }
    int start = i;
    for (; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        append(out, bytes, start, i - start);
        endLine(out);
        if (b == '\r') {
          if (i + 1 < end) {
            if (bytes[i + 1] == '\n') {
              i++;
            }
          } else {
            skipLf = true;
          }
        }
        start = i + 1;
      }
    }
    append(out, bytes, start, end - start);
    return out.toByteArray();
  }

  /** At the end of the input: the event of a last line without a line end, if any. */
  byte[] end() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (lineOpen) {
      endLine(out);
    }
    return out.toByteArray();
  }

  private void append(ByteArrayOutputStream out, byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    lineOpen = true;
    if (lineStarted) {
      out.write(bytes, offset, length);
      return;
    }
    line.write(bytes, offset, length);
    if (line.size() > maxBuffered) {
      out.writeBytes(prefix);
      out.writeBytes(line.toByteArray());
      line.reset();
      lineStarted = true;
    }
  }

  private void endLine(ByteArrayOutputStream out) {
    if (!lineStarted) {
      out.writeBytes(prefix);
      out.writeBytes(line.toByteArray());
    }
    out.writeBytes(EVENT_END);
    line.reset();
    lineStarted = false;
    lineOpen = false;
  }
}
