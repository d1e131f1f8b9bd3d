package dev.herald.hub;

/**
 * The little JSON Herald writes itself (the hub's health, readiness, stats and reset events; the
 * CLI's JSON logs, events and bench reports): string literals per RFC 8259, so that every string
 * is valid JSON and valid UTF-8 whatever it holds. {@code "} and {@code \} are escaped, control
 * characters as {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f} or a six-character
 * unicode escape (backslash, {@code u}, four hex digits), and a surrogate that is not half of a pair
 * as such an escape too: written raw, it would become a {@code ?} or invalid UTF-8 on the way out.
 * Everything else, paired surrogates included, is kept.
 */
public final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** {@code value} as a JSON string literal; {@code null} as {@code null}. */
  public static String string(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            unicodeEscape(out, c);
          } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i)); // a pair: one supplementary character, kept
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(out, c); // lone: a low one here never follows a high one (that pair was taken above)
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static void unicodeEscape(StringBuilder out, char c) {
    out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
  }

  /**
   * A value read from JSON (a token's claim: maps, lists, strings, numbers, booleans, null) written
   * back as JSON; anything else as its string.
   */
  static String value(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number number) {
      out.append(number(number));
    } else if (value instanceof java.util.Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(first ? "" : ",").append(string(String.valueOf(entry.getKey()))).append(':');
        write(out, entry.getValue());
        first = false;
      }
      out.append('}');
    } else if (value instanceof Iterable<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        out.append(first ? "" : ",");
        write(out, item);
        first = false;
      }
      out.append(']');
    } else {
      out.append(string(value.toString()));
    }
  }

  /** A number, or {@code null} for null, NaN and infinities (which JSON cannot hold). */
  static String number(Number value) {
    if (value == null) {
      return "null";
    }
    double d = value.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    if (value instanceof Long || value instanceof Integer) {
      return value.toString();
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(Math.round(d * 1000) / 1000.0);
  }
}
