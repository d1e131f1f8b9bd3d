package dev.herald.sse;

import static dev.herald.sse.Parsing.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** UTF-8 decoding with the WHATWG replacement rules, and the fast path's agreement with them. */
class Utf8Test {

  private static String decode(byte[] input) {
    return Utf8.decode(input, 0, input.length);
  }

  @Test
  void validTextDecodesAsIs() {
    byte[] input = "a\u00e9\u20ac\uD83D\uDE00".getBytes(UTF_8);
    assertThat(decode(input)).isEqualTo("a\u00e9\u20ac\uD83D\uDE00");
  }

  @Test
  void eachMaximalInvalidSubpartBecomesOneReplacement() {
    // The example of the WHATWG Encoding standard and Unicode chapter 3.
    assertThat(decode(bytes(0xE1, 0x80, 0xE2, 0xF0, 0x91, 0x92, 0xF1, 0xBF, 0x41)))
        .isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFDA");
  }

  @Test
  void encodedSurrogateIsThreeReplacements() {
    assertThat(decode(bytes(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void codePointAboveUnicodeRangeIsReplacedBytewise() {
    assertThat(decode(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void overlongThreeByteFormIsReplacedBytewise() {
    assertThat(decode(bytes(0xE0, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void truncatedSequenceAtTheEndIsOneReplacement() {
    assertThat(decode(bytes(0x41, 0xF0, 0x9F, 0x98))).isEqualTo("A\uFFFD");
  }

  @Test
  void genuineReplacementCharacterSurvives() {
    assertThat(decode(bytes(0xEF, 0xBF, 0xBD))).isEqualTo("\uFFFD");
  }

  @Test
  void fastPathAgreesWithTheExactDecoderOnArbitraryBytes() {
    Trials.run(20_000, random -> {
      byte[] input = RandomInputs.anyBytes(random, 24);
      assertThat(decode(input)).isEqualTo(Utf8.decodeExactly(input, 0, input.length));
    });
  }

  @Test
  void exactDecoderAgreesWithTheJdkOnWellFormedText() {
    Trials.run(5_000, random -> {
      byte[] input = RandomInputs.text(random, 20).getBytes(UTF_8);
      assertThat(Utf8.decodeExactly(input, 0, input.length)).isEqualTo(new String(input, UTF_8));
    });
  }
}
