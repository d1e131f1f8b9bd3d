package dev.herald.hub;

/** The little JSON the hub writes itself (health, readiness, stats, reset events): string quoting. */
final class Json {
  private Json() {}

  /** {@code value} as a JSON string literal; {@code null} as {@code null}. */
  static String string(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
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
