package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void quotesAndEscapesPerRfc8259() {
    assertThat(Json.quote("a\"b\\c\nd\re\tf\u0000\u001f")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0000\\u001f\"");
  }

  @Test
  void leavesNonAsciiAndPairedSurrogatesAlone() {
    assertThat(Json.quote("\u00e9\u20ac\uD83D\uDE00")).isEqualTo("\"\u00e9\u20ac\uD83D\uDE00\"");
  }

  @Test
  void escapesUnpairedSurrogates() {
    assertThat(Json.quote("a\uD800b")).isEqualTo("\"a\\ud800b\"");
  }
}
