package dev.herald.sse;

import java.util.Arrays;

/** The bytes of a line that began in an earlier feed; shrinks back after an unusually long line. */
final class LineBuffer {
  private final int initialCapacity;
  private final int retainedCapacity;
  private byte[] bytes;
  private int length;

  LineBuffer(int initialCapacity, int retainedCapacity) {
    this.initialCapacity = initialCapacity;
    this.retainedCapacity = retainedCapacity;
    this.bytes = new byte[initialCapacity];
  }

  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  void append(byte[] src, int offset, int count) {
    int needed = length + count;
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(needed, 2 * bytes.length));
    }
    System.arraycopy(src, offset, bytes, length, count);
    length = needed;
  }

  void clear() {
    length = 0;
    if (bytes.length > retainedCapacity) {
      bytes = new byte[initialCapacity];
    }
  }
}
