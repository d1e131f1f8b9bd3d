package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 chunk framing of one event, or of several events in one chunk. */
class SseChunksTest {
  private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

  private static String text(ByteBuf chunk) {
    try {
      return chunk.toString(StandardCharsets.US_ASCII);
    } finally {
      chunk.release();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void oneEventIsItsHexLengthItsBytesAndACrlf() {
    assertThat(text(SseChunks.frame(ALLOCATOR, bytes("data: hello\n\n")))).isEqualTo("d\r\ndata: hello\n\n\r\n");
  }

  @Test
  void theSizeLineIsLowercaseHexWithoutSlackForEveryLength() {
    for (int length : new int[] {0, 1, 9, 10, 15, 16, 17, 255, 256, 4095, 4096, 65_535, 65_536, 1_048_577}) {
      byte[] bytes = new byte[length];
      java.util.Arrays.fill(bytes, (byte) 'x');
      ByteBuf chunk = SseChunks.frame(ALLOCATOR, bytes);
      String expected = Integer.toHexString(length) + "\r\n" + "x".repeat(length) + "\r\n";
      assertThat(chunk.capacity()).as("no slack for length %d", length).isEqualTo(expected.length());
      assertThat(text(chunk)).as("length %d", length).isEqualTo(expected);
    }
  }

  @Test
  void severalEventsShareOneChunkInOrder() {
    List<byte[]> parts = List.of(bytes("data: a\n\n"), bytes("data: bb\n\n"));
    assertThat(text(SseChunks.frame(ALLOCATOR, parts, 19))).isEqualTo("13\r\ndata: a\n\ndata: bb\n\n\r\n");
  }

  @Test
  void aWrongTotalIsRefused() {
    assertThatThrownBy(() -> SseChunks.frame(ALLOCATOR, List.of(bytes("data: a\n\n")), 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 bytes, not 10");
  }
}
