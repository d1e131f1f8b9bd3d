package dev.herald.sse;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding as the WHATWG Encoding standard defines it, for the parser.
 *
 * <p>Each maximal invalid subsequence becomes one U+FFFD. The JDK's decoder agrees except for
 * encoded surrogates ({@code ED A0..BF ..}), where it emits one U+FFFD instead of three, so its fast
 * path is kept and its output re-decoded exactly only when it contains a U+FFFD.
 */
final class Utf8 {
  static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

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
