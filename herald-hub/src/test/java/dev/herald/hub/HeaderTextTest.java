package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Header values as Netty hands them over and takes them (one char per byte) against the text they
 * carry (UTF-8): what a browser sends as {@code Last-Event-ID} reads as the id it received, and the
 * echoed header is the id's UTF-8 bytes.
 */
class HeaderTextTest {
  /** A string of one char per byte, as Netty decodes a header. */
  private static String bytes(String text, java.nio.charset.Charset charset) {
    return new String(text.getBytes(charset), StandardCharsets.ISO_8859_1);
  }

  @Test
  void utf8BytesReadAsTheTextTheyEncode() {
    assertThat(HeaderText.read("caf\u00c3\u00a91")).isEqualTo("caf\u00e91");
    assertThat(HeaderText.read(bytes("\u4e2d\u6587-\ud83d\ude00", StandardCharsets.UTF_8)))
        .isEqualTo("\u4e2d\u6587-\ud83d\ude00");
  }

  @Test
  void asciiAndNullAreReadUnchanged() {
    assertThat(HeaderText.read("urn:uuid:1234-abcd")).isEqualTo("urn:uuid:1234-abcd");
    assertThat(HeaderText.read(null)).isNull();
  }

  @Test
  void bytesThatAreNotUtf8ReadAsLatin1WithoutFailing() {
    assertThat(HeaderText.read("caf\u00e91")).isEqualTo("caf\u00e91"); // an old client's Latin-1 é
    assertThat(HeaderText.read("\u00c3(")).isEqualTo("\u00c3("); // a truncated sequence
    assertThat(HeaderText.read("\u00ed\u00a0\u0080")).isEqualTo("\u00ed\u00a0\u0080"); // an encoded surrogate
    assertThat(HeaderText.read("\u00c0\u00af")).isEqualTo("\u00c0\u00af"); // an overlong '/'
  }

  @Test
  void valueThatIsAlreadyTextIsReadUnchanged() {
    assertThat(HeaderText.read("\u4e2d\u00c3\u00a9")).isEqualTo("\u4e2d\u00c3\u00a9");
  }

  @Test
  void textIsWrittenAsItsUtf8BytesOneCharEach() {
    assertThat(HeaderText.write("caf\u00e91")).isEqualTo("caf\u00c3\u00a91");
    assertThat(HeaderText.write("\ud83d\ude00")).isEqualTo("\u00f0\u009f\u0098\u0080");
    assertThat(HeaderText.write("plain-ascii")).isEqualTo("plain-ascii");
  }

  @Test
  void whatAHeaderCannotCarryIsWrittenAsQuestionMarks() {
    assertThat(HeaderText.write(" a\u0001b\u007fc\td ")).isEqualTo("?a?b?c\td?");
    assertThat(HeaderText.write("\tx")).isEqualTo("?x");
    assertThat(HeaderText.write("lone \ud800")).isEqualTo("lone ?");
  }

  @Test
  void writtenThenReadIsTheSameTextForRandomIds() {
    Trials.run(500, random -> {
      String id = randomId(random, 1 + random.nextInt(300));
      String header = HeaderText.write(id);
      assertThat(header.chars().allMatch(c -> c <= 0xFF)).as("one byte per char: %s", id).isTrue();
      assertThat(HeaderText.read(header)).isEqualTo(id);
    });
  }

  /**
   * A random id of {@code length} code points from ASCII, Latin-1, other BMP scripts and beyond the
   * BMP, with inner spaces; no control characters and no space at either end (a header cannot carry them).
   */
  static String randomId(SplittableRandom random, int length) {
    String[] alphabet = {"a", "Z", "7", "-", ":", "/", "#", "%", "+", "~", " ", "\u00e9", "\u00df", "\u00ff",
        "\u00c3", "\u0100", "\u03a9", "\u0416", "\u05d0", "\u0627", "\u4e2d", "\u6587", "\u3042", "\uac00",
        "\u20ac", "\ufeff", "\ufffd", "\ud83d\ude00", "\ud83c\udf89", "\ud800\udc00", "\udbff\udfff"};
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < length; i++) {
      String next = alphabet[random.nextInt(alphabet.length)];
      boolean edge = i == 0 || i == length - 1;
      id.append(edge && (next.equals(" ") || next.equals("#")) ? "x" : next);
    }
    return id.toString();
  }
}
