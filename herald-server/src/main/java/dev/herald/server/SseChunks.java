package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 chunk framing done once per event: {@code <hex length>CRLF<bytes>CRLF} in one buffer, so
 * every subscriber's write is a retained duplicate of the same memory and no per-subscriber header
 * is built.
 */
final class SseChunks {
  /** The last chunk: ends a chunked body. */
  static final ByteBuf LAST = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

  private SseChunks() {}

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int CRLF = ('\r' << 8) | '\n';

  /** One chunk holding {@code bytes}; the caller owns (and eventually releases) the buffer. */
  static ByteBuf frame(ByteBufAllocator allocator, byte[] bytes) {
    ByteBuf chunk = allocator.directBuffer(sizeLineLength(bytes.length) + bytes.length + 2);
    return writeSizeLine(chunk, bytes.length).writeBytes(bytes).writeShort(CRLF);
  }

  /**
   * One chunk holding {@code parts} one after the other ({@code totalBytes} in all): several encoded
   * events in one write, as a replay sends them.
   */
  static ByteBuf frame(ByteBufAllocator allocator, java.util.List<byte[]> parts, int totalBytes) {
    int sizeLine = sizeLineLength(totalBytes);
    ByteBuf chunk = writeSizeLine(allocator.directBuffer(sizeLine + totalBytes + 2), totalBytes);
    for (int i = 0, n = parts.size(); i < n; i++) {
      chunk.writeBytes(parts.get(i));
    }
    if (chunk.readableBytes() != sizeLine + totalBytes) {
      int actual = chunk.readableBytes() - sizeLine;
      chunk.release();
      throw new IllegalArgumentException("parts hold " + actual + " bytes, not " + totalBytes);
    }
    return chunk.writeShort(CRLF);
  }

  private static int sizeLineLength(int length) {
    return Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4) + 2;
  }

  /**
   * The size line, written digit by digit: no String or byte[] per event (replays and heartbeats
   * frame one per subscriber, the fan-out one per update).
   */
  private static ByteBuf writeSizeLine(ByteBuf chunk, int length) {
    for (int shift = (sizeLineLength(length) - 3) * 4; shift >= 0; shift -= 4) {
      chunk.writeByte(HEX[(length >>> shift) & 0xF]);
    }
    return chunk.writeShort(CRLF);
  }
}
