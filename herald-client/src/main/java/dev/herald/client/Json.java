package dev.herald.client;

import java.util.List;

/**
 * The few JSON shapes token claims need, written by hand so herald-client needs no JSON library.
 * Strings are escaped so that any Java string gives valid JSON: quotes, backslashes and control
 * characters are escaped, and so are lone surrogates (as {@code \\uXXXX}), which UTF-8 cannot carry.
 */
final class Json {
  private Json() {}

  /** Appends {@code value} as a JSON string literal. */
  static StringBuilder string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
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
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i)); // a pair: one code point, UTF-8 encodes it
          } else if (Character.isSurrogate(c)) {
            unicode(out, c); // lone: the escape keeps it, raw it would become '?' in UTF-8
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /** Appends a JSON array of strings. */
  static StringBuilder strings(StringBuilder out, List<String> values) {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(out, values.get(i));
    }
    return out.append(']');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u");
    String hex = Integer.toHexString(c);
    out.append("0".repeat(4 - hex.length())).append(hex);
  }
}
