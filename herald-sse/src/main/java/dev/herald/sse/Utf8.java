package dev.herald.sse;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as the WHATWG Encoding standard defines it, for the encoder and the parser.
 *
 * <p>Encoding writes an unpaired surrogate as U+FFFD (the JDK would write {@code '?'}), so what we
 * send is what a browser's USVString conversion would have sent. Decoding replaces each maximal
 * invalid subsequence with one U+FFFD; the JDK's decoder agrees with that except for encoded
 * surrogates ({@code ED A0..BF ..}), where it emits one U+FFFD instead of three, so the fast JDK
 * path is kept and its output re-decoded exactly only when it contains a U+FFFD.
 */
final class Utf8 {
  static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

  /**
   * {@code s} as UTF-8, with U+FFFD for an unpaired surrogate. Takes the JDK's vectorized encoder
   * and only looks closer when its output holds a {@code '?'}, the JDK's stand-in for a lone surrogate.
   */
  static byte[] encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (ByteScan.contains(bytes, (byte) '?') && hasSurrogate(s)) {
      byte[] exact = new byte[encodedLength(s, 0, s.length())];
      int p = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          exact[p++] = (byte) c;
        } else {
          int width = lengthAt(s, i, s.length());
          i = writeNonAscii(s, i, s.length(), exact, p);
          p += width;
        }
      }
      return exact;
    }
    return bytes;
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Number of bytes {@code s[from, to)} takes in UTF-8, counting an unpaired surrogate as U+FFFD. */
  private static int encodedLength(String s, int from, int to) {
    int bytes = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3; // BMP character, or an unpaired surrogate written as U+FFFD
      }
    }
    return bytes;
  }

  /**
   * Writes one non-ASCII character (or surrogate pair) starting at {@code s[i]} into {@code dst} at
   * {@code p}; returns the index of the last char consumed. The caller advances {@code p} by
   * {@link #lengthAt}.
   */
  private static int writeNonAscii(String s, int i, int end, byte[] dst, int p) {
    char c = s.charAt(i);
    if (c < 0x800) {
      dst[p] = (byte) (0xC0 | (c >> 6));
      dst[p + 1] = (byte) (0x80 | (c & 0x3F));
      return i;
    }
    if (Character.isSurrogate(c)) {
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(i + 1));
        dst[p] = (byte) (0xF0 | (cp >> 18));
        dst[p + 1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        dst[p + 2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        dst[p + 3] = (byte) (0x80 | (cp & 0x3F));
        return i + 1;
      }
      c = REPLACEMENT;
    }
    dst[p] = (byte) (0xE0 | (c >> 12));
    dst[p + 1] = (byte) (0x80 | ((c >> 6) & 0x3F));
    dst[p + 2] = (byte) (0x80 | (c & 0x3F));
    return i;
  }

  /** Bytes {@link #writeNonAscii} writes for the non-ASCII character at {@code s[i]}. */
  private static int lengthAt(String s, int i, int end) {
    char c = s.charAt(i);
    if (c < 0x800) {
      return 2;
    }
    if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
      return 4;
    }
    return 3;
  }

  /** Decodes {@code bytes[off, off + len)} exactly as the WHATWG "UTF-8 decode" does (no BOM handling). */
  static String decode(byte[] bytes, int off, int len) {
    String fast = new String(bytes, off, len, StandardCharsets.UTF_8);
    if (fast.indexOf(REPLACEMENT) < 0) {
      return fast;
    }
    return decodeExactly(bytes, off, len);
  }

  /** The WHATWG UTF-8 decoder's algorithm, step by step. */
  static String decodeExactly(byte[] bytes, int off, int len) {
    StringBuilder out = new StringBuilder(len);
    int codePoint = 0;
    int bytesSeen = 0;
    int bytesNeeded = 0;
    int lower = 0x80;
    int upper = 0xBF;
    int end = off + len;
    for (int i = off; i < end; i++) {
      int b = bytes[i] & 0xFF;
      if (bytesNeeded == 0) {
        if (b <= 0x7F) {
          out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xDF) {
          bytesNeeded = 1;
          codePoint = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
          if (b == 0xE0) {
            lower = 0xA0;
          } else if (b == 0xED) {
            upper = 0x9F;
          }
          bytesNeeded = 2;
          codePoint = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
          if (b == 0xF0) {
            lower = 0x90;
          } else if (b == 0xF4) {
            upper = 0x8F;
          }
          bytesNeeded = 3;
          codePoint = b & 0x07;
        } else {
          out.append(REPLACEMENT);
        }
        continue;
      }
      if (b < lower || b > upper) {
        codePoint = 0;
        bytesNeeded = 0;
        bytesSeen = 0;
        lower = 0x80;
        upper = 0xBF;
        out.append(REPLACEMENT);
        i--; // the standard says: restore this byte to the stream and process it again
        continue;
      }
      lower = 0x80;
      upper = 0xBF;
      codePoint = (codePoint << 6) | (b & 0x3F);
      bytesSeen++;
      if (bytesSeen == bytesNeeded) {
        out.appendCodePoint(codePoint);
        codePoint = 0;
        bytesNeeded = 0;
        bytesSeen = 0;
      }
    }
    if (bytesNeeded != 0) {
      out.append(REPLACEMENT);
    }
    return out.toString();
  }
}
