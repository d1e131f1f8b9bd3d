package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Encoding then parsing is the identity, whatever the events and however the bytes are chunked. */
class RoundTripPropertiesTest {

  @Test
  void encodedEventsParseBackFromRandomChunks() {
    Trials.run(3_000, random -> {
      List<SseEvent> events = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        events.add(randomEvent(random));
      }
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      events.forEach(e -> stream.writeBytes(SseEncoder.encode(e)));
      byte[] bytes = stream.toByteArray();

      Parsing.Outcome outcome = Parsing.run(bytes, RandomInputs.cuts(random, bytes.length));

      assertThat(outcome.seen()).isEqualTo(expectedCallbacks(events));
    });
  }

  @Test
  void encodedLengthIsExactlyTheBytesWritten() {
    Trials.run(3_000, random -> {
      SseEvent event = randomEvent(random);
      byte[] into = new byte[SseEncoder.encodedLength(event) + 3];
      int written = SseEncoder.encode(event, into, 3);
      assertThat(written).isEqualTo(SseEncoder.encodedLength(event));
      assertThat(SseEncoder.encode(event)).hasSize(written);
    });
  }

  private static SseEvent randomEvent(SplittableRandom random) {
    return new SseEvent(
        random.nextInt(3) == 0 ? null : RandomInputs.textWithout(random, 4, "\r\n\0"),
        random.nextInt(3) == 0 ? null : RandomInputs.textWithout(random, 3, "\r\n"),
        random.nextInt(5) == 0 ? null : RandomInputs.text(random, 12),
        random.nextInt(4) == 0 ? Duration.ofMillis(random.nextLong(0, Long.MAX_VALUE)) : null,
        random.nextInt(4) == 0 ? RandomInputs.text(random, 4) : null);
  }

  /** What a receiver must report for these events, computed from the model, not the parser. */
  private static List<Object> expectedCallbacks(List<SseEvent> events) {
    List<Object> expected = new ArrayList<>();
    String lastEventId = "";
    for (SseEvent e : events) {
      if (e.comment() != null) {
        for (String line : normalizeLineBreaks(e.comment()).split("\n", -1)) {
          expected.add(new Recorder.Comment(line));
        }
      }
      if (e.id() != null) {
        lastEventId = e.id();
      }
      if (e.retry() != null) {
        expected.add(new Recorder.Retry(e.retry().toMillis()));
      }
      if (e.data() != null) {
        String type = e.type() == null || e.type().isEmpty() ? "message" : e.type();
        expected.add(new SseEvent(lastEventId, type, normalizeLineBreaks(e.data()), null, null));
      }
    }
    return expected;
  }

  private static String normalizeLineBreaks(String s) {
    return s.replace("\r\n", "\n").replace('\r', '\n');
  }
}
