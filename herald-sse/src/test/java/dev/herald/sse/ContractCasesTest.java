package dev.herald.sse;

import static dev.herald.sse.Parsing.bytes;
import static dev.herald.sse.Parsing.concat;
import static dev.herald.sse.Parsing.event;
import static dev.herald.sse.Parsing.lastEventIdAfter;
import static dev.herald.sse.Parsing.message;
import static dev.herald.sse.Parsing.parse;
import static dev.herald.sse.Parsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.Recorder.Comment;
import dev.herald.sse.Recorder.Retry;
import org.junit.jupiter.api.Test;

/**
 * Cases that SSE client libraries and the web-platform EventSource tests are known to check, written
 * anew for this parser. Every input goes through {@link Parsing} (whole, byte by byte, every split).
 */
class ContractCasesTest {

  @Test
  void fieldParsingOfTheWebPlatformTest() {
    String stream = "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\r"
        + "data:\r\n data:32\ndata:4\n\n";
    assertThat(parse(stream)).containsExactly(message("\0\n 2\n1\n3\n\n4"));
  }

  @Test
  void newlinesOfTheWebPlatformTest() {
    assertThat(parse("data:test\r\ndata\ndata:test\r\n\r")).containsExactly(message("test\n\ntest"));
  }

  @Test
  void leadingSpaceOfTheWebPlatformTest() {
    assertThat(parse("data:\ttest\rdata: \ndata:test\n\n")).containsExactly(message("\ttest\n\ntest"));
  }

  @Test
  void twoBomsOfTheWebPlatformTest() {
    assertThat(parse("\uFEFF\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n")).containsExactly(message("3"));
  }

  @Test
  void bomSplitByteByByteIsStillSkipped() {
    Recorder recorder = new Recorder();
    EventStreamParser parser = new EventStreamParser(recorder);
    parser.feed(bytes(0xEF));
    parser.feed(bytes(0xBB));
    parser.feed(bytes(0xBF));
    parser.feed(utf8("data: a\n\n"));
    assertThat(recorder.seen).containsExactly(message("a"));
  }

  @Test
  void dataBeforeTheFinalEmptyLineIsNotDispatched() {
    assertThat(parse("retry:1000\ndata:test1\n\nid:test\ndata:test2"))
        .containsExactly(new Retry(1000), message("test1"));
  }

  @Test
  void nullCharacterOnlyData() {
    assertThat(parse("data:\0\n\n\n\n")).containsExactly(message("\0"));
  }

  @Test
  void crAtTheEndOfAChunkThenLfAtTheStartOfTheNext() {
    Recorder recorder = new Recorder();
    EventStreamParser parser = new EventStreamParser(recorder);
    parser.feed(utf8("data: a\r"));
    parser.feed(utf8("\n\r"));
    parser.feed(utf8("\n"));
    assertThat(recorder.seen).containsExactly(message("a"));
  }

  @Test
  void eventWithOnlyAnIdSetsTheLastEventIdForLaterEvents() {
    assertThat(parse("id: 1\n\ndata: x\n\n")).containsExactly(message("x", "1"));
  }

  @Test
  void eventWithOnlyAnIdIsNotDispatched() {
    assertThat(parse("id: 1\n\n")).isEmpty();
    assertThat(lastEventIdAfter("id: 1\n\n")).isEqualTo("1");
  }

  @Test
  void commentsBetweenFields() {
    assertThat(parse("event: a\n: first\ndata: 1\n: second\ndata: 2\n\n"))
        .containsExactly(new Comment("first"), new Comment("second"), event("a", "1\n2", ""));
  }

  @Test
  void heartbeatCommentsBetweenEvents() {
    assertThat(parse("data: 1\n\n:\n\n: ping\n\ndata: 2\n\n"))
        .containsExactly(message("1"), new Comment(""), new Comment("ping"), message("2"));
  }

  @Test
  void idWithNulDoesNotChangeTheLastEventId() {
    assertThat(lastEventIdAfter("id: 1\n\nid: 2\0\n\n")).isEqualTo("1");
  }

  @Test
  void unknownFieldsAndBogusRetriesAreSkippedSilently() {
    assertThat(parse("foo: bar\nretry: 10s\ndata: x\n\n")).containsExactly(message("x"));
  }

  @Test
  void longCommentsAreFine() {
    String longText = "x".repeat(10_000);
    Recorder recorder = new Recorder();
    new EventStreamParser(recorder).feed(utf8(": " + longText + "\ndata: 1\n\n"));
    assertThat(recorder.seen).containsExactly(new Comment(longText), message("1"));
  }

  @Test
  void multiByteCharacterSplitAcrossChunks() {
    assertThat(parse(concat(utf8("data: "), bytes(0xF0, 0x9F, 0x8E, 0x89), utf8("\n\n"))))
        .containsExactly(message("\uD83C\uDF89"));
  }

  @Test
  void typicalLlmStreamChunks() {
    String stream = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
        + "event: content_block_delta\ndata: {\"delta\":{\"text\":\"Hel\"}}\n\n"
        + "data: [DONE]\n\n";
    assertThat(parse(stream)).containsExactly(
        event("message_start", "{\"type\":\"message_start\"}", ""),
        event("content_block_delta", "{\"delta\":{\"text\":\"Hel\"}}", ""),
        message("[DONE]"));
  }
}
