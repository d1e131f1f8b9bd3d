package dev.herald.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time, for the parser's and the encoder's hot loops. CR and LF are
 * ASCII, so in UTF-8 they never occur inside a multi-byte sequence and can be found before decoding.
 */
final class ByteScan {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LFS = ONES * '\n';
  private static final long CRS = ONES * '\r';

  private ByteScan() {}

  /** Index of the first CR or LF in {@code bytes[from, to)}, or -1. */
  static int lineBreak(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i);
      long found = zeroBytes(word ^ LFS) | zeroBytes(word ^ CRS);
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The high bit of each zero byte of {@code x}, by the classic "has a zero byte" test. Its lowest
   * flag is exact; spurious flags appear only above a real one, and with little-endian loads the
   * lowest byte is the first in memory, so the lowest flag of an OR of two tests is still exact.
   */
  private static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGH_BITS;
  }
}
