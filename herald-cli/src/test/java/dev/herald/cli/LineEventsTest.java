package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link LineEvents}: lines of text, fed in any pieces, become one event each. */
class LineEventsTest {
  private final ByteArrayOutputStream events = new ByteArrayOutputStream();

  private void feed(LineEvents lines, String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    events.writeBytes(lines.feed(bytes, 0, bytes.length));
  }

  private String events() {
    return events.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aCrlfSplitBetweenTwoPiecesEndsOneLine() {
    LineEvents lines = new LineEvents(null);
    feed(lines, "a\r");
    feed(lines, "\nb\n");

    assertThat(events()).isEqualTo("data: a\n\ndata: b\n\n");
  }

  @Test
  void aLineIsSentOnlyOnceItEnds() {
    LineEvents lines = new LineEvents("log");
    feed(lines, "hal");
    assertThat(events()).isEmpty();

    feed(lines, "f\n");
    assertThat(events()).isEqualTo("event: log\ndata: half\n\n");
  }

  @Test
  void theLastLineWithoutALineEndIsAnEventAtTheEnd() {
    LineEvents lines = new LineEvents(null);
    feed(lines, "x\nlast");
    events.writeBytes(lines.end());

    assertThat(events()).isEqualTo("data: x\n\ndata: last\n\n");
  }

  @Test
  void endAfterALineEndAddsNothing() {
    LineEvents lines = new LineEvents(null);
    feed(lines, "x\n");

    assertThat(lines.end()).isEmpty();
  }

  @Test
  void aLineLongerThanTheBufferIsSentInPieces() {
    LineEvents lines = new LineEvents(null, 4);
    feed(lines, "abcdef");
    assertThat(events()).isEqualTo("data: abcdef");

    feed(lines, "gh\nij\n");
    assertThat(events()).isEqualTo("data: abcdefgh\n\ndata: ij\n\n");
  }

  @Test
  void aTypeWithALineBreakIsRefused() {
    assertThatThrownBy(() -> new LineEvents("a\nb")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
  }
}
