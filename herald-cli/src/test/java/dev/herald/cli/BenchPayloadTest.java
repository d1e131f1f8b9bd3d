package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchPayloadTest {
  @Test
  void formatsTopicSequenceAndSendTimePaddedToTheSize() {
    String text = new BenchPayload(3, 42, 1_700_000_000_123_456L).format(40);
    assertThat(text).isEqualTo("3 42 1700000000123456 " + "x".repeat(18)).hasSize(40);
    assertThat(BenchPayload.parse(text)).isEqualTo(new BenchPayload(3, 42, 1_700_000_000_123_456L));
  }

  @Test
  void aSizeSmallerThanTheNumbersKeepsTheNumbers() {
    String text = new BenchPayload(0, 1, 5).format(0);
    assertThat(text).isEqualTo("0 1 5 ");
    assertThat(BenchPayload.parse(text)).isEqualTo(new BenchPayload(0, 1, 5));
    assertThat(BenchPayload.parse("0 1 5")).isEqualTo(new BenchPayload(0, 1, 5));
  }

  @Test
  void otherDataIsNotAPayload() {
    assertThat(BenchPayload.parse("hello")).isNull();
    assertThat(BenchPayload.parse("a b c d")).isNull();
    assertThat(BenchPayload.parse("")).isNull();
    assertThat(BenchPayload.parse("1 2")).isNull();
  }

  @Test
  void nowIsEpochMicroseconds() {
    long millis = System.currentTimeMillis();
    assertThat(BenchPayload.nowMicros() / 1000).isBetween(millis - 1000, millis + 1000);
  }
}
