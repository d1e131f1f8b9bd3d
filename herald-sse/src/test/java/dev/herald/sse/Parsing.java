package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs an input through a fresh parser in one piece, byte by byte, and split at every point, asserts
 * that every way gives the same callbacks and last event ID, and returns what was seen.
 */
final class Parsing {
  /** What one run saw: the callbacks and the final last event ID. */
  record Outcome(List<Object> seen, String lastEventId) {}

  private Parsing() {}

  static List<Object> parse(String input) {
    return outcome(utf8(input)).seen();
  }

  static List<Object> parse(byte[] input) {
    return outcome(input).seen();
  }

  static String lastEventIdAfter(String input) {
    return outcome(utf8(input)).lastEventId();
  }

  static Outcome outcome(byte[] input) {
    Outcome whole = run(input, new int[0]);
    int[] everyByte = new int[Math.max(0, input.length - 1)];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertThat(run(input, everyByte)).as("fed byte by byte").isEqualTo(whole);
    for (int split = 0; split <= input.length; split++) {
      assertThat(run(input, new int[] {split})).as("split at %d", split).isEqualTo(whole);
    }
    return whole;
  }

  /** Feeds {@code input} in pieces cut at the ascending {@code cuts}. */
  static Outcome run(byte[] input, int[] cuts) {
    Recorder recorder = new Recorder();
    EventStreamParser parser = new EventStreamParser(recorder);
    int start = 0;
    for (int cut : cuts) {
      parser.feed(input, start, cut - start);
      start = cut;
    }
    parser.feed(input, start, input.length - start);
    return new Outcome(recorder.seen, parser.lastEventId());
  }

  static SseEvent message(String data, String lastEventId) {
    return new SseEvent(lastEventId, "message", data, null, null);
  }

  static SseEvent message(String data) {
    return message(data, "");
  }

  static SseEvent event(String type, String data, String lastEventId) {
    return new SseEvent(lastEventId, type, data, null, null);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int p = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, p, part.length);
      p += part.length;
    }
    return out;
  }
}
