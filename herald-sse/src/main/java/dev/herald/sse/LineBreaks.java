package dev.herald.sse;

/** Finds the next CR or LF byte. Both are ASCII, so they never occur inside a UTF-8 sequence. */
final class LineBreaks {
  private LineBreaks() {}

  /** Index of the first CR or LF in {@code bytes[from, to)}, or -1. */
  static int indexOf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        return i;
      }
    }
    return -1;
  }
}
