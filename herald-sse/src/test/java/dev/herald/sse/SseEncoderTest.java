package dev.herald.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bytes {@link SseEncoder} writes, one rule per test. */
class SseEncoderTest {

  private static String encoded(SseEvent event) {
    return new String(SseEncoder.encode(event), UTF_8);
  }

  @Test
  void dataOnlyEventIsOneDataLineAndABlankLine() {
    assertThat(encoded(SseEvent.of("hello"))).isEqualTo("data: hello\n\n");
  }

  @Test
  void fieldsAreWrittenAsCommentIdEventRetryData() {
    SseEvent event = SseEvent.builder().comment("c").id("7").type("update").retryMillis(1500)
        .data("x").build();
    assertThat(encoded(event)).isEqualTo(": c\nid: 7\nevent: update\nretry: 1500\ndata: x\n\n");
  }

  @Test
  void unsetFieldsAreNotWritten() {
    assertThat(encoded(SseEvent.builder().id("1").build())).isEqualTo("id: 1\n\n");
  }

  @Test
  void dataIsSplitOnLfCrAndCrlf() {
    assertThat(encoded(SseEvent.of("a\nb\rc\r\nd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
  }

  @Test
  void emptyLineInsideDataBecomesAnEmptyDataLine() {
    assertThat(encoded(SseEvent.of("a\n\nb"))).isEqualTo("data: a\ndata: \ndata: b\n\n");
  }

  @Test
  void trailingLineBreakInDataBecomesAnEmptyLastDataLine() {
    assertThat(encoded(SseEvent.of("a\n"))).isEqualTo("data: a\ndata: \n\n");
  }

  @Test
  void crFollowedByCrlfIsTwoLineBreaks() {
    assertThat(encoded(SseEvent.of("a\r\r\nb"))).isEqualTo("data: a\ndata: \ndata: b\n\n");
  }

  @Test
  void emptyDataIsOneEmptyDataLine() {
    assertThat(encoded(SseEvent.of(""))).isEqualTo("data: \n\n");
  }

  @Test
  void valueStartingWithASpaceKeepsItBehindTheSeparatorSpace() {
    assertThat(encoded(SseEvent.of(" x"))).isEqualTo("data:  x\n\n");
  }

  @Test
  void emptyIdIsWrittenSoReceiversResetTheirLastEventId() {
    assertThat(encoded(SseEvent.builder().id("").data("x").build())).isEqualTo("id: \ndata: x\n\n");
  }

  @Test
  void multiLineCommentBecomesOneCommentLineEach() {
    assertThat(encoded(SseEvent.comment("one\ntwo"))).isEqualTo(": one\n: two\n\n");
  }

  @Test
  void retryIsWrittenInMilliseconds() {
    assertThat(encoded(SseEvent.builder().retry(Duration.ofSeconds(3)).build()))
        .isEqualTo("retry: 3000\n\n");
  }

  @Test
  void zeroRetryIsWritten() {
    assertThat(encoded(SseEvent.builder().retryMillis(0).build())).isEqualTo("retry: 0\n\n");
  }

  @Test
  void nonAsciiIsWrittenAsUtf8() {
    String text = "caf\u00e9 \u20ac \uD83D\uDE00";
    assertThat(SseEncoder.encode(SseEvent.of("t", text)))
        .isEqualTo(("event: t\ndata: " + text + "\n\n").getBytes(UTF_8));
  }

  @Test
  void unpairedSurrogateIsWrittenAsAQuestionMarkLikeTheJdkDoes() {
    assertThat(encoded(SseEvent.of("a\uD800b"))).isEqualTo("data: a?b\n\n");
  }

  @Test
  void encodeIntoAnArrayAtAnOffsetReturnsTheLength() {
    byte[] dst = new byte[20];
    int written = SseEncoder.encode(SseEvent.of("hi"), dst, 5);
    assertThat(written).isEqualTo(10);
    assertThat(new String(dst, 5, written, UTF_8)).isEqualTo("data: hi\n\n");
  }

  @Test
  void encodeIntoATooSmallArrayThrowsAndWritesNothing() {
    byte[] dst = new byte[12];
    assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("hi"), dst, 3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("needs 10 bytes");
    assertThat(dst).containsOnly(0);
  }

  @Test
  void encodeIntoAHeapBufferAdvancesItsPosition() {
    ByteBuffer buffer = ByteBuffer.allocate(32).position(2);
    SseEncoder.encode(SseEvent.of("hi"), buffer);
    assertThat(buffer.position()).isEqualTo(12);
    assertThat(new String(buffer.array(), 2, 10, UTF_8)).isEqualTo("data: hi\n\n");
  }

  @Test
  void encodeIntoASlicedHeapBufferHonoursItsArrayOffset() {
    byte[] backing = new byte[32];
    ByteBuffer slice = ByteBuffer.wrap(backing).position(4).slice();
    SseEncoder.encode(SseEvent.of("hi"), slice);
    assertThat(new String(backing, 4, 10, UTF_8)).isEqualTo("data: hi\n\n");
  }

  @Test
  void encodeIntoADirectBufferCopiesTheBytes() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(32);
    SseEncoder.encode(SseEvent.of("hi"), buffer);
    byte[] out = new byte[buffer.flip().remaining()];
    buffer.get(out);
    assertThat(new String(out, UTF_8)).isEqualTo("data: hi\n\n");
  }

  @Test
  void encodeIntoAFullBufferThrowsAndLeavesItUntouched() {
    ByteBuffer buffer = ByteBuffer.allocate(9);
    assertThatThrownBy(() -> SseEncoder.encode(SseEvent.of("hi"), buffer))
        .isInstanceOf(BufferOverflowException.class);
    assertThat(buffer.position()).isZero();
  }

  @Test
  void encodedLengthCountsUtf8Bytes() {
    assertThat(SseEncoder.encodedLength(SseEvent.of("\u00e9\u20ac\uD83D\uDE00")))
        .isEqualTo("data: \n\n".length() + 2 + 3 + 4);
  }

  @Test
  void encodedEventParsesBackToTheSameEvent() {
    SseEvent sent = SseEvent.builder().id("42").type("chat").data("line 1\n\n line 3 ").build();
    Recorder recorder = new Recorder();
    new EventStreamParser(recorder).feed(SseEncoder.encode(sent));
    assertThat(recorder.seen).containsExactly(sent);
  }

  @Test
  void sameEventEncodesToEqualBytesEveryTime() {
    SseEvent event = SseEvent.of("x", "y");
    assertThat(Arrays.equals(SseEncoder.encode(event), SseEncoder.encode(event))).isTrue();
  }
}
