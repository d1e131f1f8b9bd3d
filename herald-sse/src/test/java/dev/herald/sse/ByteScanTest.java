package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The word-at-a-time search agrees with a byte loop at every position and alignment. */
class ByteScanTest {

  private static int byteLoop(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        return i;
      }
    }
    return -1;
  }

  @Test
  void findsTheFirstCrOrLfLikeAByteLoop() {
    Trials.run(20_000, random -> {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        int pick = random.nextInt(12);
        bytes[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? '\r' : random.nextInt(256));
      }
      int from = random.nextInt(bytes.length + 1);
      int to = from + random.nextInt(bytes.length - from + 1);
      assertThat(ByteScan.lineBreak(bytes, from, to)).isEqualTo(byteLoop(bytes, from, to));
    });
  }

  @Test
  void bytesNextToLineBreakValuesAreNotLineBreaks() {
    byte[] bytes = {0x09, 0x0B, 0x0C, 0x0E, (byte) 0x8A, (byte) 0x8D, 0x1A, 0x1D, 0x00, 0x0B};
    assertThat(ByteScan.lineBreak(bytes, 0, bytes.length)).isEqualTo(-1);
  }

  @Test
  void findsALineBreakInTheLastByteOfAWord() {
    byte[] bytes = "abcdefg\nxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(ByteScan.lineBreak(bytes, 0, bytes.length)).isEqualTo(7);
  }
}
