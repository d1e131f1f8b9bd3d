package dev.herald.sse;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
    Framing framing = new Framing(event);
    byte[] out = new byte[framing.length];
    framing.writeTo(out, 0);
    return out;
  }

  /** The number of bytes the event encodes to. */
  public static int encodedLength(SseEvent event) {
    return new Framing(event).length;
  }

  /**
   * Writes the event into {@code dst} at {@code offset} and returns the number of bytes written.
   *
   * @throws IndexOutOfBoundsException if fewer than {@link #encodedLength} bytes fit; nothing is
   *     written then
   */
  public static int encode(SseEvent event, byte[] dst, int offset) {
    Framing framing = new Framing(event);
    if (offset < 0 || offset > dst.length || dst.length - offset < framing.length) {
      throw new IndexOutOfBoundsException("event needs " + framing.length + " bytes at offset "
          + offset + " but the array has " + dst.length);
    }
    framing.writeTo(dst, offset);
    return framing.length;
  }

  /**
   * Writes the event at the buffer's position and advances it. A heap buffer is written in place;
   * a direct buffer receives a copy of the encoded bytes.
   *
   * @throws BufferOverflowException if fewer than {@link #encodedLength} bytes remain; nothing is
   *     written then
   */
  public static void encode(SseEvent event, ByteBuffer dst) {
    Framing framing = new Framing(event);
    if (dst.remaining() < framing.length) {
      throw new BufferOverflowException();
    }
    if (dst.hasArray() && !dst.isReadOnly()) {
      framing.writeTo(dst.array(), dst.arrayOffset() + dst.position());
      dst.position(dst.position() + framing.length);
    } else {
      byte[] bytes = new byte[framing.length];
      framing.writeTo(bytes, 0);
      dst.put(bytes);
    }
  }

  /** One event's fields as UTF-8 and the exact length of their framing. */
  private static final class Framing {
    private final byte[] comment;
    private final byte[] id;
    private final byte[] type;
    private final long retry;
    private final byte[] data;
    final int length;

    Framing(SseEvent event) {
      comment = event.comment() == null ? null : utf8(event.comment());
      id = event.id() == null ? null : utf8(event.id());
      type = event.type() == null ? null : utf8(event.type());
      retry = event.retry() == null ? -1 : event.retry().toMillis();
      data = event.data() == null ? null : utf8(event.data());
      long total = 1 // the blank line that ends the event
          + framedLength(COMMENT, comment)
          + singleLineLength(ID, id)
          + singleLineLength(EVENT, type)
          + (retry < 0 ? 0 : RETRY.length + decimalLength(retry) + 1)
          + framedLength(DATA, data);
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("event too large to encode: " + total + " bytes");
      }
      length = (int) total;
    }

    void writeTo(byte[] dst, int p) {
      p = writeLines(COMMENT, comment, dst, p);
      p = writeSingleLine(ID, id, dst, p);
      p = writeSingleLine(EVENT, type, dst, p);
      if (retry >= 0) {
        p = writePrefix(RETRY, dst, p);
        p = writeDecimal(retry, dst, p);
        dst[p++] = '\n';
      }
      p = writeLines(DATA, data, dst, p);
      dst[p] = '\n';
    }
  }

  /**
   * The JDK's vectorized UTF-8 encoder. Like it (and Netty's), an unpaired surrogate, which only a
   * malformed Java string can hold, becomes {@code '?'}.
   */
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Length of a field that {@link SseEvent} guarantees to hold no line break. */
  private static long singleLineLength(byte[] prefix, byte[] value) {
    return value == null ? 0 : prefix.length + (long) value.length + 1;
  }

  private static int writeSingleLine(byte[] prefix, byte[] value, byte[] dst, int p) {
    if (value == null) {
      return p;
    }
    p = writePrefix(prefix, dst, p);
    System.arraycopy(value, 0, dst, p, value.length);
    p += value.length;
    dst[p++] = '\n';
    return p;
  }

  /**
   * Length of {@code value} written as one {@code prefix line LF} per CR-, LF- or CRLF-separated
   * line: each line break of one or two bytes becomes an LF and a prefix.
   */
  private static long framedLength(byte[] prefix, byte[] value) {
    if (value == null) {
      return 0;
    }
    int n = value.length;
    long length = prefix.length + (long) n + 1;
    for (int i = ByteScan.lineBreak(value, 0, n); i >= 0; i = ByteScan.lineBreak(value, i, n)) {
      int breakWidth = value[i] == '\r' && i + 1 < n && value[i + 1] == '\n' ? 2 : 1;
      length += 1 + prefix.length - breakWidth;
      i += breakWidth;
    }
    return length;
  }

  private static int writeLines(byte[] prefix, byte[] value, byte[] dst, int p) {
    if (value == null) {
      return p;
    }
    p = writePrefix(prefix, dst, p);
    int n = value.length;
    int i = 0;
    while (true) {
      int lineBreak = ByteScan.lineBreak(value, i, n);
      int lineEnd = lineBreak < 0 ? n : lineBreak;
      System.arraycopy(value, i, dst, p, lineEnd - i);
      p += lineEnd - i;
      dst[p++] = '\n';
      if (lineBreak < 0) {
        return p;
      }
      i = lineBreak + 1;
      if (value[lineBreak] == '\r' && i < n && value[i] == '\n') {
        i++;
      }
      p = writePrefix(prefix, dst, p);
    }
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
