package dev.herald.sse;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Generators for property tests: strings and byte streams rich in the characters that matter. */
final class RandomInputs {
  private static final String[] TEXT_PIECES = {
    "a", "b", "z", "0", "7", " ", "  ", "\t", ":", "\n", "\r", "\r\n", "\0", "\u00e9", "\u20ac",
    "\uD83D\uDE00", "\uFEFF", "\uFFFD", "data", "id", "event", "retry", "x y"
  };
  private static final String[] STREAM_TOKENS = {
    "data", "data:", "data: ", "id", "id:", "id: ", "event:", "event: ", "retry:", "retry: ", ":",
    ": ", "\n", "\n", "\r", "\r\n", "\n\n", " ", "a", "42", "9223372036854775808", "\0", "\u00e9",
    "\uFEFF", "Data:", "x:y", "\uD83D\uDE00"
  };
  private static final byte[][] RAW_BYTES = {
    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xEF, (byte) 0xBB}, {(byte) 0xFF}, {(byte) 0xC0},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F},
    {(byte) 0x80}
  };

  private RandomInputs() {}

  /** A string of up to {@code maxPieces} pieces, including line breaks, NUL and non-BMP text. */
  static String text(SplittableRandom random, int maxPieces) {
    StringBuilder out = new StringBuilder();
    int pieces = random.nextInt(maxPieces + 1);
    for (int i = 0; i < pieces; i++) {
      if (random.nextInt(10) == 0) {
        out.append((char) random.nextInt(0x20, 0xD7FF)); // any BMP character outside surrogates
      } else {
        out.append(TEXT_PIECES[random.nextInt(TEXT_PIECES.length)]);
      }
    }
    return out.toString();
  }

  /** {@link #text} without the characters that {@code exclude} lists. */
  static String textWithout(SplittableRandom random, int maxPieces, String exclude) {
    String text = text(random, maxPieces);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (exclude.indexOf(text.charAt(i)) < 0) {
        out.append(text.charAt(i));
      }
    }
    return out.toString();
  }

  /** A byte stream of event-stream tokens mixed with invalid UTF-8 and BOM fragments. */
  static byte[] streamBytes(SplittableRandom random, int maxTokens) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int tokens = random.nextInt(maxTokens + 1);
    for (int i = 0; i < tokens; i++) {
      int pick = random.nextInt(20);
      if (pick == 0) {
        out.writeBytes(RAW_BYTES[random.nextInt(RAW_BYTES.length)]);
      } else if (pick == 1) {
        out.write(random.nextInt(256));
      } else {
        out.writeBytes(Parsing.utf8(STREAM_TOKENS[random.nextInt(STREAM_TOKENS.length)]));
      }
    }
    return out.toByteArray();
  }

  /** Arbitrary bytes. */
  static byte[] anyBytes(SplittableRandom random, int maxLength) {
    byte[] out = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(out);
    return out;
  }

  /** Ascending cut points splitting {@code length} bytes into random chunks (possibly empty ones). */
  static int[] cuts(SplittableRandom random, int length) {
    int count = random.nextInt(Math.min(length, 16) + 1);
    int[] cuts = new int[count];
    for (int i = 0; i < count; i++) {
      cuts[i] = random.nextInt(length + 1);
    }
    Arrays.sort(cuts);
    return cuts;
  }
}
