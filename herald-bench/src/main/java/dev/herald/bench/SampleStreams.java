package dev.herald.bench;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;

/** The events the benchmarks encode and parse: a ~100-byte update and a 4 KiB multi-line one. */
final class SampleStreams {
  private SampleStreams() {}

  /** A typical small hub update: id, type and a JSON payload, about 100 bytes encoded. */
  static SseEvent smallEvent(int sequence) {
    return SseEvent.builder()
        .id(Integer.toString(100_000 + sequence))
        .type("update")
        .data("{\"user\":\"alice\",\"status\":\"online\",\"seq\":" + (100_000 + sequence)
            + ",\"ts\":1700000000000}")
        .build();
  }

  /** A 4 KiB payload in 64 lines, as a document diff or a log tail would be. */
  static SseEvent largeEvent(int sequence) {
    StringBuilder data = new StringBuilder(4096);
    for (int line = 0; line < 64; line++) {
      data.append("line ").append(line).append(" of event ").append(sequence).append(": ");
      while (data.length() % 64 != 57) {
        data.append('x');
      }
      if (line < 63) {
        data.append('\n');
      }
    }
    return SseEvent.builder().id(Integer.toString(sequence)).data(data.toString()).build();
  }

  /** {@code count} encoded events back to back. */
  static byte[] stream(boolean large, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      out.writeBytes(SseEncoder.encode(large ? largeEvent(i) : smallEvent(i)));
    }
    return out.toByteArray();
  }
}
