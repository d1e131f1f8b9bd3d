package dev.herald.hub;

/**
 * A set of characters an automaton edge accepts: ASCII characters as a 128-bit mask, plus at most
 * one character above ASCII (a literal of a template). Immutable; equal sets are equal values.
 */
record CharSet(long low, long high, int other) {
  private static final int NONE = -1;

  /** The ASCII characters of {@code spec}, where {@code a-z} is a range and {@code -} alone a dash. */
  static CharSet ascii(String spec) {
    long low = 0;
    long high = 0;
    for (int i = 0; i < spec.length(); i++) {
      char from = spec.charAt(i);
      char to = from;
      if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
        to = spec.charAt(i + 2);
        i += 2;
      }
      for (char c = from; c <= to; c++) {
        if (c < 64) {
          low |= 1L << c;
        } else {
          high |= 1L << (c - 64);
        }
      }
    }
    return new CharSet(low, high, NONE);
  }

  /** Just {@code c}. */
  static CharSet of(char c) {
    if (c >= 128) {
      return new CharSet(0, 0, c);
    }
    return c < 64 ? new CharSet(1L << c, 0, NONE) : new CharSet(0, 1L << (c - 64), NONE);
  }

  /** This set and {@code c}, an ASCII character. */
  CharSet with(char c) {
    CharSet one = of(c);
    return new CharSet(low | one.low, high | one.high, other);
  }

  boolean contains(char c) {
    if (c < 64) {
      return (low & (1L << c)) != 0;
    }
    if (c < 128) {
      return (high & (1L << (c - 64))) != 0;
    }
    return c == other;
  }

  /** The character above ASCII this set holds, or -1. */
  int nonAscii() {
    return other;
  }
}
