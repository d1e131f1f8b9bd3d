package dev.herald.sse;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * An incremental {@code text/event-stream} parser that follows the WHATWG HTML "Server-sent events"
 * parsing and interpretation rules exactly. Feed it bytes as they arrive, split anywhere; it calls its
 * {@link Listener} for each dispatched event, comment and valid {@code retry}. It does no I/O.
 *
 * <p>The rules, in short: one UTF-8 BOM at the start of a stream is skipped; lines end with CR, LF or
 * CRLF (a CR ending one feed and an LF starting the next are one line ending); text is UTF-8 with
 * U+FFFD for invalid sequences; a field name ends at the first colon and exactly one space after it
 * is stripped (nothing else is trimmed); a line without a colon is a field with an empty value;
 * {@code data} appends the value and an LF; {@code event} sets the type; {@code id} sets the last
 * event ID buffer unless the value contains NUL; {@code retry} is honoured only if its value is a
 * non-empty run of ASCII digits that fits in a {@code long} (anything else, including an overflowing
 * number, is ignored); unknown fields are ignored; a line starting with a colon is a comment. A blank
 * line commits the last event ID buffer to {@link #lastEventId()}, then dispatches an event if the
 * data buffer is non-empty, with one trailing LF removed and the type defaulting to
 * {@code "message"}; either way the data and type buffers are cleared.
 *
 * <p>One deliberate choice where the standard says "a new stream starts with an empty last event ID
 * buffer": after {@link #endOfStream()} the buffer restarts from {@link #lastEventId()}, as Chromium's
 * parser does, so events of a reconnected stream that carry no {@code id:} keep the ID the client
 * resumed from instead of reporting {@code ""}.
 *
 * <p>Limits: a line longer than {@link Builder#maxLineLength} bytes or event data larger than
 * {@link Builder#maxEventSize} bytes raises {@link EventStreamLimitException}; memory never grows past
 * them, and buffers grown for a large event are released after it. An instance is not thread-safe.
 * An exception thrown by the listener propagates out of {@code feed}; the rest of that feed is lost.
 */
public final class EventStreamParser {
  /** Default maximum line length: 1 MiB. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;
  /** Default maximum data size of one event: 8 MiB. */
  public static final int DEFAULT_MAX_EVENT_SIZE = 8 << 20;

  /** Receives what the parser finds. Only {@link #onEvent} is required. */
  public interface Listener {
    /**
     * An event was dispatched. Its {@code id} is the last event ID ({@code ""} when none), its
     * {@code type} never null ({@code "message"} by default), its {@code data} never null.
     */
    void onEvent(SseEvent event);

    /** A comment line, without the colon and one following space. */
    default void onComment(String comment) {}

    /** A valid {@code retry:} field: the new reconnection time. */
    default void onRetry(Duration reconnectionTime) {}
  }

  private static final int INITIAL_BUFFER = 256;
  /** Buffers grown past this are dropped after use so one huge event does not pin memory. */
  private static final int RETAINED_BUFFER = 64 * 1024;
  private static final int MAX_CACHED_TYPE = 64;
  private static final int BOM_0 = 0xEF;
  private static final int BOM_1 = 0xBB;
  private static final int BOM_2 = 0xBF;

  private final Listener listener;
  private final int maxLineLength;
  private final int maxEventSize;

  private final LineBuffer line;
  private byte[] data = new byte[INITIAL_BUFFER];
  private int dataLength;
  private String type;
  private String idBuffer;
  private String lastEventId;
  /** Bytes of a possible BOM matched so far at stream start; -1 once past the start. */
  private int bomMatched;
  /** The previous feed ended with CR, so an LF starting the next one is part of that line ending. */
  private boolean skipLeadingLf;
  private boolean failed;
  private byte[] directScratch;
  private byte[] lastTypeBytes = new byte[0];
  private String lastType = "";

  private EventStreamParser(Builder builder) {
    this.listener = builder.listener;
    this.maxLineLength = builder.maxLineLength;
    this.maxEventSize = builder.maxEventSize;
    this.line = new LineBuffer(INITIAL_BUFFER, RETAINED_BUFFER);
    this.lastEventId = builder.lastEventId;
    this.idBuffer = builder.lastEventId;
  }

  /** A parser with default limits and an empty last event ID. */
  public EventStreamParser(Listener listener) {
    this(builder(listener));
  }

  /** A builder for a parser that reports to {@code listener}. */
  public static Builder builder(Listener listener) {
    return new Builder(listener);
  }

  /**
   * The last event ID string: the {@code id} in force at the last blank line ({@code ""} when none).
   * This is what a client sends as {@code Last-Event-ID} when it reconnects.
   */
  public String lastEventId() {
    return lastEventId;
  }

  /** Parses all of {@code bytes}. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Parses {@code bytes[offset, offset + length)}. */
  public void feed(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (failed) {
      throw new IllegalStateException("parser stopped at a limit; call endOfStream() to reuse it");
    }
    int end = offset + length;
    int i = offset;
    if (bomMatched >= 0) {
      i = skipBom(bytes, i, end);
    }
    if (skipLeadingLf && i < end) {
      skipLeadingLf = false;
      if (bytes[i] == '\n') {
        i++;
      }
    }
    try {
      parseLines(bytes, i, end);
    } catch (EventStreamLimitException e) {
      failed = true;
      discardBuffers();
      throw e;
    }
  }

  /** Parses the buffer's remaining bytes and advances its position to its limit. */
  public void feed(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      int start = buffer.arrayOffset() + buffer.position();
      int length = buffer.remaining();
      buffer.position(buffer.limit());
      feed(buffer.array(), start, length);
      return;
    }
    if (directScratch == null) {
      directScratch = new byte[8192];
    }
    while (buffer.hasRemaining()) {
      int n = Math.min(buffer.remaining(), directScratch.length);
      buffer.get(directScratch, 0, n);
      feed(directScratch, 0, n);
    }
  }

  /**
   * Ends the current stream: discards any unfinished event (the standard never dispatches it), and
   * prepares for a new stream (a BOM is skipped again). Keeps {@link #lastEventId()}. Also clears the
   * failed state after an {@link EventStreamLimitException}.
   */
  public void endOfStream() {
    discardBuffers();
    idBuffer = lastEventId;
    bomMatched = 0;
    skipLeadingLf = false;
    failed = false;
  }

  private void discardBuffers() {
    line.clear();
    dataLength = 0;
    if (data.length > RETAINED_BUFFER) {
      data = new byte[INITIAL_BUFFER];
    }
    type = null;
  }

  /**
   * Consumes the bytes of a leading BOM, also when it arrives split across feeds; bytes that turn out
   * not to be a BOM are parsed as ordinary content.
   */
  private int skipBom(byte[] bytes, int i, int end) {
    while (i < end && bomMatched >= 0) {
      int b = bytes[i] & 0xFF;
      int expected = bomMatched == 0 ? BOM_0 : bomMatched == 1 ? BOM_1 : BOM_2;
      if (b != expected) {
        int matched = bomMatched;
        bomMatched = -1;
        if (matched > 0) {
          byte[] partial = {(byte) BOM_0, (byte) BOM_1};
          parseLines(partial, 0, matched);
        }
        return i;
      }
      i++;
      bomMatched = bomMatched == 2 ? -1 : bomMatched + 1;
    }
    return i;
  }

  private void parseLines(byte[] bytes, int i, int end) {
    while (i < end) {
      int lineEnd = ByteScan.lineBreak(bytes, i, end);
      if (lineEnd < 0) {
        appendPartialLine(bytes, i, end - i);
        return;
      }
      if (line.length() > 0) {
        appendPartialLine(bytes, i, lineEnd - i);
        processLine(line.bytes(), 0, line.length());
        line.clear();
      } else {
        if (lineEnd - i > maxLineLength) {
          throw new EventStreamLimitException(EventStreamLimitException.Limit.LINE_LENGTH, maxLineLength);
        }
        processLine(bytes, i, lineEnd - i);
      }
      i = lineEnd + 1;
      if (bytes[lineEnd] == '\r') {
        if (i == end) {
          skipLeadingLf = true;
        } else if (bytes[i] == '\n') {
          i++;
        }
      }
    }
  }

  private void appendPartialLine(byte[] bytes, int offset, int length) {
    if ((long) line.length() + length > maxLineLength) {
      throw new EventStreamLimitException(EventStreamLimitException.Limit.LINE_LENGTH, maxLineLength);
    }
    line.append(bytes, offset, length);
  }

  private void processLine(byte[] b, int offset, int length) {
    if (length == 0) {
      dispatch();
      return;
    }
    int end = offset + length;
    if (b[offset] == ':') {
      int start = offset + 1;
      if (start < end && b[start] == ' ') {
        start++;
      }
      listener.onComment(Utf8.decode(b, start, end - start));
      return;
    }
    int colon = offset;
    while (colon < end && b[colon] != ':') {
      colon++;
    }
    int nameLength = colon - offset;
    int valueStart = Math.min(colon + 1, end);
    if (valueStart < end && b[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = end - valueStart;
    if (nameLength == 4 && b[offset] == 'd' && b[offset + 1] == 'a' && b[offset + 2] == 't'
        && b[offset + 3] == 'a') {
      appendData(b, valueStart, valueLength);
    } else if (nameLength == 5 && b[offset] == 'e' && b[offset + 1] == 'v' && b[offset + 2] == 'e'
        && b[offset + 3] == 'n' && b[offset + 4] == 't') {
      type = decodeType(b, valueStart, valueLength);
    } else if (nameLength == 2 && b[offset] == 'i' && b[offset + 1] == 'd') {
      if (!containsNul(b, valueStart, end)) {
        idBuffer = Utf8.decode(b, valueStart, valueLength);
      }
    } else if (nameLength == 5 && b[offset] == 'r' && b[offset + 1] == 'e' && b[offset + 2] == 't'
        && b[offset + 3] == 'r' && b[offset + 4] == 'y') {
      long millis = parseDigits(b, valueStart, end);
      if (millis >= 0) {
        listener.onRetry(Duration.ofMillis(millis));
      }
    }
    // Any other field name is ignored, as the standard requires.
  }

  private void appendData(byte[] b, int offset, int length) {
    long needed = (long) dataLength + length + 1;
    if (needed > maxEventSize) {
      throw new EventStreamLimitException(EventStreamLimitException.Limit.EVENT_SIZE, maxEventSize);
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, (int) Math.min(maxEventSize, Math.max(needed, 2L * data.length)));
    }
    System.arraycopy(b, offset, data, dataLength, length);
    dataLength += length;
    data[dataLength++] = '\n';
  }

  private void dispatch() {
    lastEventId = idBuffer;
    if (dataLength == 0) {
      type = null;
      return;
    }
    String text = Utf8.decode(data, 0, dataLength - 1); // drop the one trailing LF
    String eventType = type == null || type.isEmpty() ? SseEvent.DEFAULT_TYPE : type;
    dataLength = 0;
    type = null;
    if (data.length > RETAINED_BUFFER) {
      data = new byte[INITIAL_BUFFER];
    }
    listener.onEvent(new SseEvent(lastEventId, eventType, text, null, null));
  }

  /** Streams repeat a handful of event types; reusing the last one's string saves a decode per event. */
  private String decodeType(byte[] b, int offset, int length) {
    if (Arrays.equals(b, offset, offset + length, lastTypeBytes, 0, lastTypeBytes.length)) {
      return lastType;
    }
    String decoded = Utf8.decode(b, offset, length);
    if (length <= MAX_CACHED_TYPE) {
      lastTypeBytes = Arrays.copyOfRange(b, offset, offset + length);
      lastType = decoded;
    }
    return decoded;
  }

  private static boolean containsNul(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** The value as a non-negative long, or -1 if it is empty, not all ASCII digits, or too large. */
  private static long parseDigits(byte[] b, int from, int to) {
    if (from == to) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /** Configures an {@link EventStreamParser}. */
  public static final class Builder {
    private final Listener listener;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
    private String lastEventId = "";

    private Builder(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Maximum bytes in one line, without its line ending (default {@link #DEFAULT_MAX_LINE_LENGTH}). */
    public Builder maxLineLength(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxLineLength must be positive: " + bytes);
      }
      this.maxLineLength = bytes;
      return this;
    }

    /**
     * Maximum bytes of one event's data: every {@code data:} value plus one LF each (default
     * {@link #DEFAULT_MAX_EVENT_SIZE}).
     */
    public Builder maxEventSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxEventSize must be positive: " + bytes);
      }
      this.maxEventSize = bytes;
      return this;
    }

    /** The last event ID to start from, such as the one a client resumes with (default {@code ""}). */
    public Builder lastEventId(String lastEventId) {
      this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
      return this;
    }

    /** The parser. */
    public EventStreamParser build() {
      return new EventStreamParser(this);
    }
  }
}
