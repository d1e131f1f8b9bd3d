package dev.herald.sse;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Encodes {@link SseEvent}s to {@code text/event-stream} bytes (UTF-8).
 *
 * <p>Layout of one event: comment lines ({@code : text}), then {@code id:}, {@code event:},
 * {@code retry:} (milliseconds) when set, then one {@code data:} line per line of data, then a blank
 * line. Every field is written as {@code name: value}: receivers strip exactly one space after the
 * colon, so a value that itself starts with a space survives. Data and comments are split on CR, LF
 * and CRLF; an empty line inside data becomes an empty {@code data: } line; data {@code ""} is one
 * empty {@code data: } line (a receiver dispatches it as an empty message), while data {@code null}
 * writes no {@code data:} line at all. Every line ends with LF.
 *
 * <p>Framing errors cannot reach the encoder: {@link SseEvent} rejects them at construction. To encode
 * once for many receivers without garbage, size the destination with {@link #encodedLength} and
 * write into it with {@link #encode(SseEvent, byte[], int)} or {@link #encode(SseEvent, ByteBuffer)}.
 * This class is stateless and thread-safe.
 */
public final class SseEncoder {
  private static final byte[] COMMENT = {':', ' '};
  private static final byte[] ID = {'i', 'd', ':', ' '};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't', ':', ' '};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y', ':', ' '};
  private static final byte[] DATA = {'d', 'a', 't', 'a', ':', ' '};

  private SseEncoder() {}

  /** The event as a new byte array of exactly {@link #encodedLength} bytes. */
  public static byte[] encode(SseEvent event) {
    byte[] out = new byte[encodedLength(event)];
    write(event, out, 0);
    return out;
  }

  /** The number of bytes the event encodes to. */
  public static int encodedLength(SseEvent event) {
    long length = 1; // the blank line that ends the event
    if (event.comment() != null) {
      length += linesLength(COMMENT.length, event.comment());
    }
    if (event.id() != null) {
      length += linesLength(ID.length, event.id());
    }
    if (event.type() != null) {
      length += linesLength(EVENT.length, event.type());
    }
    if (event.retry() != null) {
      length += RETRY.length + decimalLength(event.retry().toMillis()) + 1;
    }
    if (event.data() != null) {
      length += linesLength(DATA.length, event.data());
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("event too large to encode: " + length + " bytes");
    }
    return (int) length;
  }

  /**
   * Writes the event into {@code dst} at {@code offset} and returns the number of bytes written.
   *
   * @throws IndexOutOfBoundsException if fewer than {@link #encodedLength} bytes fit; nothing is
   *     written then
   */
  public static int encode(SseEvent event, byte[] dst, int offset) {
    int length = encodedLength(event);
    if (offset < 0 || offset > dst.length || dst.length - offset < length) {
      throw new IndexOutOfBoundsException("event needs " + length + " bytes at offset " + offset
          + " but the array has " + dst.length);
    }
    return write(event, dst, offset) - offset;
  }

  /**
   * Writes the event at the buffer's position and advances it. A heap buffer is written in place;
   * a direct buffer receives a copy of the encoded bytes.
   *
   * @throws BufferOverflowException if fewer than {@link #encodedLength} bytes remain; nothing is
   *     written then
   */
  public static void encode(SseEvent event, ByteBuffer dst) {
    int length = encodedLength(event);
    if (dst.remaining() < length) {
      throw new BufferOverflowException();
    }
    if (dst.hasArray() && !dst.isReadOnly()) {
      int start = dst.arrayOffset() + dst.position();
      write(event, dst.array(), start);
      dst.position(dst.position() + length);
    } else {
      byte[] bytes = new byte[length];
      write(event, bytes, 0);
      dst.put(bytes);
    }
  }

  private static int write(SseEvent event, byte[] dst, int p) {
    if (event.comment() != null) {
      p = writeLines(COMMENT, event.comment(), dst, p);
    }
    if (event.id() != null) {
      p = writeLines(ID, event.id(), dst, p);
    }
    if (event.type() != null) {
      p = writeLines(EVENT, event.type(), dst, p);
    }
    if (event.retry() != null) {
      p = writePrefix(RETRY, dst, p);
      p = writeDecimal(event.retry().toMillis(), dst, p);
      dst[p++] = '\n';
    }
    if (event.data() != null) {
      p = writeLines(DATA, event.data(), dst, p);
    }
    dst[p++] = '\n';
    return p;
  }

  /** Length of {@code value} written as one {@code prefix value LF} line per CR/LF/CRLF-separated line. */
  private static long linesLength(int prefixLength, String value) {
    int n = value.length();
    long lines = 1;
    long bytes = 0;
    int segmentStart = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r') {
        bytes += Utf8.encodedLength(value, segmentStart, i);
        lines++;
        if (c == '\r' && i + 1 < n && value.charAt(i + 1) == '\n') {
          i++;
        }
        segmentStart = i + 1;
      }
    }
    bytes += Utf8.encodedLength(value, segmentStart, n);
    return lines * (prefixLength + 1) + bytes;
  }

  private static int writeLines(byte[] prefix, String value, byte[] dst, int p) {
    p = writePrefix(prefix, dst, p);
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        int width = Utf8.lengthAt(value, i, n);
        i = Utf8.writeNonAscii(value, i, n, dst, p);
        p += width;
      } else if (c == '\n' || c == '\r') {
        dst[p++] = '\n';
        if (c == '\r' && i + 1 < n && value.charAt(i + 1) == '\n') {
          i++;
        }
        p = writePrefix(prefix, dst, p);
      } else {
        dst[p++] = (byte) c;
      }
    }
    dst[p++] = '\n';
    return p;
  }

  private static int writePrefix(byte[] prefix, byte[] dst, int p) {
    System.arraycopy(prefix, 0, dst, p, prefix.length);
    return p + prefix.length;
  }

  private static int decimalLength(long value) {
    int digits = 1;
    while (value >= 10) {
      value /= 10;
      digits++;
    }
    return digits;
  }

  private static int writeDecimal(long value, byte[] dst, int p) {
    int end = p + decimalLength(value);
    int i = end;
    do {
      dst[--i] = (byte) ('0' + (value % 10));
      value /= 10;
    } while (value > 0);
    return end;
  }
}
