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
public final class SseChunks {
  /** The last chunk: ends a chunked body. */
  static final ByteBuf LAST = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

  private SseChunks() {}

  /** One chunk holding {@code bytes}; the caller owns (and eventually releases) the buffer. */
  public static ByteBuf frame(ByteBufAllocator allocator, byte[] bytes) {
    byte[] header = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuf chunk = allocator.directBuffer(header.length + bytes.length + 2);
    chunk.writeBytes(header).writeBytes(bytes).writeByte('\r').writeByte('\n');
    return chunk;
  }

  /**
   * One chunk holding {@code parts} one after the other ({@code totalBytes} in all): several encoded
   * events in one write, as a replay sends them.
   */
  public static ByteBuf frame(ByteBufAllocator allocator, java.util.List<byte[]> parts, int totalBytes) {
    byte[] header = (Integer.toHexString(totalBytes) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuf chunk = allocator.directBuffer(header.length + totalBytes + 2);
    chunk.writeBytes(header);
    for (int i = 0, n = parts.size(); i < n; i++) {
      chunk.writeBytes(parts.get(i));
    }
    if (chunk.readableBytes() != header.length + totalBytes) {
      chunk.release();
      throw new IllegalArgumentException("parts hold " + (chunk.readableBytes() - header.length)
          + " bytes, not " + totalBytes);
    }
    return chunk.writeByte('\r').writeByte('\n');
  }
}
