package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesQuotesBackslashesAndControlCharactersPerRfc8259() {
    assertThat(Json.string("a\"b\\c\nd\re\tf\bg\fh\u0000\u001f"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000\\u001f\"");
  }

  @Test
  void keepsNonAsciiAndPairedSurrogates() {
    assertThat(Json.string("\u00e9\u20ac\uD83D\uDE00\u007f")).isEqualTo("\"\u00e9\u20ac\uD83D\uDE00\u007f\"");
  }

  @Test
  void escapesALoneHighSurrogateAnywhere() {
    assertThat(Json.string("a\uD800b")).isEqualTo("\"a\\ud800b\"");
    assertThat(Json.string("end\uDBFF")).isEqualTo("\"end\\udbff\"");
    assertThat(Json.string("\uD800\uD800\uDC00")).isEqualTo("\"\\ud800\uD800\uDC00\"");
  }

  @Test
  void escapesALoneLowSurrogateAnywhere() {
    assertThat(Json.string("\uDC00start")).isEqualTo("\"\\udc00start\"");
    assertThat(Json.string("a\uDFFFb")).isEqualTo("\"a\\udfffb\"");
    assertThat(Json.string("\uD83D\uDE00\uDE00")).isEqualTo("\"\uD83D\uDE00\\ude00\"");
  }

  @Test
  void escapesAReversedPairAsTwoLoneSurrogates() {
    assertThat(Json.string("\uDE00\uD83D")).isEqualTo("\"\\ude00\\ud83d\"");
  }

  @Test
  void writesNullAsTheJsonNull() {
    assertThat(Json.string(null)).isEqualTo("null");
    assertThat(Json.string("")).isEqualTo("\"\"");
  }

  /** Any string, lone surrogates included, comes out as JSON that a parser reads back as the same chars. */
  @Test
  void anyStringRoundTripsThroughAJsonParserAndSurvivesUtf8() throws Exception {
    Random random = new Random(15);
    char[] interesting = {'"', '\\', '\n', '\u0000', '\u001f', 'a', '\u00e9', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'};
    for (int trial = 0; trial < 2_000; trial++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        text.append(random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (char) random.nextInt(0x10000));
      }
      String literal = Json.string(text.toString());
      // Encoding to UTF-8 must lose nothing: no raw lone surrogate may be left to become '?'.
      String throughUtf8 = new String(literal.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      assertThat(throughUtf8).as("trial %d", trial).isEqualTo(literal);
      assertThat(JSONObjectUtils.parse("{\"v\":" + throughUtf8 + "}").get("v")).as("trial %d", trial).isEqualTo(text.toString());
    }
  }
}
