package dev.herald.sse;

import static dev.herald.sse.Parsing.bytes;
import static dev.herald.sse.Parsing.concat;
import static dev.herald.sse.Parsing.event;
import static dev.herald.sse.Parsing.lastEventIdAfter;
import static dev.herald.sse.Parsing.message;
import static dev.herald.sse.Parsing.parse;
import static dev.herald.sse.Parsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.sse.Recorder.Comment;
import dev.herald.sse.Recorder.Retry;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The WHATWG "Server-sent events" parsing rules, one behaviour per test. Unless a test says
 * otherwise, every input is fed in one piece, byte by byte and split at every point (see
 * {@link Parsing}), and all three must agree.
 */
class EventStreamParserTest {

  @Nested
  class Dispatch {
    @Test
    void blankLineDispatchesTheData() {
      assertThat(parse("data: hello\n\n")).containsExactly(message("hello"));
    }

    @Test
    void typeDefaultsToMessage() {
      assertThat(parse("data: x\n\n")).containsExactly(event("message", "x", ""));
    }

    @Test
    void eventFieldSetsTheType() {
      assertThat(parse("event: update\ndata: x\n\n")).containsExactly(event("update", "x", ""));
    }

    @Test
    void emptyEventFieldMeansMessage() {
      assertThat(parse("event: \ndata: x\n\n")).containsExactly(event("message", "x", ""));
    }

    @Test
    void typeIsResetAfterEachDispatch() {
      assertThat(parse("event: a\ndata: 1\n\ndata: 2\n\n"))
          .containsExactly(event("a", "1", ""), event("message", "2", ""));
    }

    @Test
    void laterEventFieldWins() {
      assertThat(parse("event: a\nevent: b\ndata: x\n\n")).containsExactly(event("b", "x", ""));
    }

    @Test
    void blankLineWithEmptyDataBufferDispatchesNothing() {
      assertThat(parse("\n\n\n")).isEmpty();
    }

    @Test
    void eventWithOnlyATypeIsNotDispatchedAndItsTypeIsDropped() {
      assertThat(parse("event: a\n\ndata: x\n\n")).containsExactly(event("message", "x", ""));
    }

    @Test
    void severalEventsInOneFeed() {
      assertThat(parse("data: 1\n\ndata: 2\n\ndata: 3\n\n"))
          .containsExactly(message("1"), message("2"), message("3"));
    }
  }

  @Nested
  class Data {
    @Test
    void dataLinesAreJoinedWithLineFeeds() {
      assertThat(parse("data: a\ndata: b\ndata: c\n\n")).containsExactly(message("a\nb\nc"));
    }

    @Test
    void emptyDataLineContributesAnEmptyLine() {
      assertThat(parse("data: a\ndata:\ndata: b\n\n")).containsExactly(message("a\n\nb"));
    }

    @Test
    void singleEmptyDataLineDispatchesEmptyString() {
      assertThat(parse("data\n\n")).containsExactly(message(""));
    }

    @Test
    void exactlyOneTrailingLineFeedIsRemoved() {
      assertThat(parse("data: a\ndata:\n\n")).containsExactly(message("a\n"));
    }

    @Test
    void exactlyOneLeadingSpaceIsStripped() {
      assertThat(parse("data:  two spaces\n\n")).containsExactly(message(" two spaces"));
    }

    @Test
    void valueWithoutLeadingSpaceIsKeptWhole() {
      assertThat(parse("data:x\n\n")).containsExactly(message("x"));
    }

    @Test
    void otherWhitespaceIsNeverTrimmed() {
      assertThat(parse("data:\tx \t\n\n")).containsExactly(message("\tx \t"));
    }

    @Test
    void fieldNameEndsAtTheFirstColon() {
      assertThat(parse("data: a: b :c\n\n")).containsExactly(message("a: b :c"));
    }

    @Test
    void lineWithoutColonIsAFieldWithEmptyValue() {
      assertThat(parse("data\ndata\n\n")).containsExactly(message("\n"));
    }

    @Test
    void nulInDataIsKept() {
      assertThat(parse("data:\0\n\n")).containsExactly(message("\0"));
    }

    @Test
    void fieldNamesAreCaseSensitive() {
      assertThat(parse("Data: x\nDATA: y\n\n")).isEmpty();
    }

    @Test
    void unknownFieldsAreIgnored() {
      assertThat(parse("foo: bar\ndata: x\nid2: 5\n\n")).containsExactly(message("x"));
    }

    @Test
    void fieldNameWithLeadingSpaceIsUnknown() {
      assertThat(parse(" data: x\n\n")).isEmpty();
    }
  }

  @Nested
  class LineEndings {
    @Test
    void lineFeedEndsALine() {
      assertThat(parse("data: a\n\n")).containsExactly(message("a"));
    }

    @Test
    void carriageReturnEndsALine() {
      assertThat(parse("data: a\r\r")).containsExactly(message("a"));
    }

    @Test
    void crlfIsOneLineEnding() {
      assertThat(parse("data: a\r\ndata: b\r\n\r\n")).containsExactly(message("a\nb"));
    }

    @Test
    void mixedLineEndingsInOneStream() {
      assertThat(parse("data: a\rdata: b\ndata: c\r\n\r")).containsExactly(message("a\nb\nc"));
    }

    @Test
    void lfThenCrAreTwoLineEndings() {
      assertThat(parse("data: a\n\r")).containsExactly(message("a"));
    }

    @Test
    void crAtTheEndOfOneFeedAndLfAtTheStartOfTheNextAreOneLineEnding() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("data: a\r"));
      parser.feed(utf8("\ndata: b\r"));
      parser.feed(utf8("\n\r"));
      parser.feed(utf8("\n"));
      assertThat(recorder.seen).containsExactly(message("a\nb"));
    }

    @Test
    void crAtTheEndOfAFeedFollowedByAnEmptyFeedStillPairsWithTheNextLf() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("data: a\r"));
      parser.feed(new byte[0]);
      parser.feed(utf8("\ndata: b\n\n"));
      assertThat(recorder.seen).containsExactly(message("a\nb"));
    }

    @Test
    void crAtTheEndOfAFeedFollowedByOtherTextEndsTheLine() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("data: a\r"));
      parser.feed(utf8("data: b\r"));
      parser.feed(utf8("\r"));
      assertThat(recorder.seen).containsExactly(message("a\nb"));
    }

    @Test
    void crFollowedByCrlfIsTwoLineEndings() {
      assertThat(parse("data: a\r\r\n")).containsExactly(message("a"));
    }
  }

  @Nested
  class ByteOrderMark {
    @Test
    void leadingBomIsSkipped() {
      assertThat(parse(concat(bytes(0xEF, 0xBB, 0xBF), utf8("data: x\n\n"))))
          .containsExactly(message("x"));
    }

    @Test
    void onlyOneBomIsSkipped() {
      // The second BOM becomes part of the first field name, which is then unknown.
      assertThat(parse("\uFEFF\uFEFFdata: 1\n\n\uFEFFdata: 2\n\ndata: 3\n\n"))
          .containsExactly(message("3"));
    }

    @Test
    void bomLaterInTheStreamIsContent() {
      assertThat(parse("data: \uFEFFx\n\n")).containsExactly(message("\uFEFFx"));
    }

    @Test
    void incompleteBomIsParsedAsText() {
      // EF BB then a line ending: one line holding an invalid sequence, i.e. an unknown field.
      assertThat(parse(concat(bytes(0xEF, 0xBB), utf8("\ndata: x\n\n"))))
          .containsExactly(message("x"));
    }

    @Test
    void incompleteBomBeforeDataSpoilsTheFieldName() {
      assertThat(parse(concat(bytes(0xEF, 0xBB), utf8("data: x\n\n")))).isEmpty();
    }

    @Test
    void bomIsSkippedAgainAfterEndOfStream() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      byte[] stream = concat(bytes(0xEF, 0xBB, 0xBF), utf8("data: x\n\n"));
      parser.feed(stream);
      parser.endOfStream();
      parser.feed(stream);
      assertThat(recorder.seen).containsExactly(message("x"), message("x"));
    }
  }

  @Nested
  class Utf8Decoding {
    @Test
    void multiByteCharactersSurviveEverySplit() {
      assertThat(parse("event: caf\u00e9\ndata: \u20ac \uD83D\uDE00 \u00fc\n\n"))
          .containsExactly(event("caf\u00e9", "\u20ac \uD83D\uDE00 \u00fc", ""));
    }

    @Test
    void invalidByteBecomesReplacementCharacter() {
      assertThat(parse(concat(utf8("data: a"), bytes(0xFF), utf8("b\n\n"))))
          .containsExactly(message("a\uFFFDb"));
    }

    @Test
    void truncatedSequenceBeforeLineEndBecomesOneReplacementCharacter() {
      assertThat(parse(concat(utf8("data: "), bytes(0xE2, 0x82), utf8("\n\n"))))
          .containsExactly(message("\uFFFD"));
    }

    @Test
    void encodedSurrogateBecomesThreeReplacementCharacters() {
      assertThat(parse(concat(utf8("data: "), bytes(0xED, 0xA0, 0x80), utf8("\n\n"))))
          .containsExactly(message("\uFFFD\uFFFD\uFFFD"));
    }

    @Test
    void overlongEncodingIsReplacedBytewise() {
      assertThat(parse(concat(utf8("data: "), bytes(0xC0, 0xAF), utf8("\n\n"))))
          .containsExactly(message("\uFFFD\uFFFD"));
    }

    @Test
    void invalidSequenceDoesNotSwallowTheLineEnding() {
      assertThat(parse(concat(utf8("data: "), bytes(0xF0, 0x9F), utf8("\ndata: ok\n\n"))))
          .containsExactly(message("\uFFFD\nok"));
    }
  }

  @Nested
  class LastEventId {
    @Test
    void idFieldSetsTheEventsLastEventId() {
      assertThat(parse("id: 7\ndata: x\n\n")).containsExactly(message("x", "7"));
    }

    @Test
    void idAfterDataInTheSameEventStillApplies() {
      assertThat(parse("data: x\nid: 7\n\n")).containsExactly(message("x", "7"));
    }

    @Test
    void idPersistsForLaterEventsWithoutId() {
      assertThat(parse("id: 7\ndata: a\n\ndata: b\n\n"))
          .containsExactly(message("a", "7"), message("b", "7"));
    }

    @Test
    void emptyIdResetsTheLastEventId() {
      assertThat(parse("id: 7\ndata: a\n\nid\ndata: b\n\n"))
          .containsExactly(message("a", "7"), message("b", ""));
    }

    @Test
    void emptyIdWithColonResetsTheLastEventId() {
      assertThat(lastEventIdAfter("id: 7\n\nid:\n\n")).isEmpty();
    }

    @Test
    void idContainingNulIsIgnored() {
      assertThat(parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"))
          .containsExactly(message("a", "1"), message("b", "1"));
    }

    @Test
    void idOnlyEventChangesTheLastEventIdWithoutDispatching() {
      assertThat(parse("id: 5\n\n")).isEmpty();
      assertThat(lastEventIdAfter("id: 5\n\n")).isEqualTo("5");
    }

    @Test
    void idIsNotCommittedBeforeTheBlankLine() {
      assertThat(lastEventIdAfter("id: 1\n\nid: 2\ndata: x\n")).isEqualTo("1");
    }

    @Test
    void idKeepsSpacesAfterTheFirst() {
      assertThat(parse("id:  a b \ndata: x\n\n")).containsExactly(message("x", " a b "));
    }

    @Test
    void initialLastEventIdComesFromTheBuilder() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = EventStreamParser.builder(recorder).lastEventId("41").build();
      parser.feed(utf8("data: x\n\n"));
      assertThat(parser.lastEventId()).isEqualTo("41");
      assertThat(recorder.seen).containsExactly(message("x", "41"));
    }
  }

  @Nested
  class RetryField {
    @Test
    void digitsSetTheReconnectionTime() {
      assertThat(parse("retry: 2500\n")).containsExactly(new Retry(2500));
    }

    @Test
    void retryDoesNotDispatchAnEvent() {
      assertThat(parse("retry: 10\n\n")).containsExactly(new Retry(10));
    }

    @Test
    void zeroIsValid() {
      assertThat(parse("retry: 0\n")).containsExactly(new Retry(0));
    }

    @Test
    void nonDigitsAreIgnored() {
      assertThat(parse("retry: 1a\nretry: -1\nretry: 1.5\nretry: +1\nretry: 1e3\n")).isEmpty();
    }

    @Test
    void secondLeadingSpaceIsNotADigit() {
      assertThat(parse("retry:  100\n")).isEmpty();
    }

    @Test
    void emptyValueIsIgnored() {
      assertThat(parse("retry\nretry:\nretry: \n")).isEmpty();
    }

    @Test
    void nonAsciiDigitsAreIgnored() {
      assertThat(parse("retry: \u0661\u0662\n")).isEmpty();
    }

    @Test
    void largestLongIsAccepted() {
      assertThat(parse("retry: 9223372036854775807\n")).containsExactly(new Retry(Long.MAX_VALUE));
    }

    @Test
    void numberBeyondLongIsIgnored() {
      assertThat(parse("retry: 9223372036854775808\nretry: 99999999999999999999999\n")).isEmpty();
    }

    @Test
    void bogusRetryDoesNotUndoAnEarlierValidOne() {
      assertThat(parse("retry:3000\rretry:1000x\rdata:x\n\n"))
          .containsExactly(new Retry(3000), message("x"));
    }
  }

  @Nested
  class Comments {
    @Test
    void commentIsReportedWithoutColonAndOneSpace() {
      assertThat(parse(": hello there\n")).containsExactly(new Comment("hello there"));
    }

    @Test
    void commentWithoutSpace() {
      assertThat(parse(":hi\n")).containsExactly(new Comment("hi"));
    }

    @Test
    void emptyComment() {
      assertThat(parse(":\n")).containsExactly(new Comment(""));
    }

    @Test
    void commentsBetweenFieldsDoNotInterruptTheEvent() {
      assertThat(parse("data: a\n: note\nid: 1\n:\ndata: b\n\n"))
          .containsExactly(new Comment("note"), new Comment(""), message("a\nb", "1"));
    }

    @Test
    void commentAloneDoesNotDispatch() {
      assertThat(parse(": keep-alive\n\n")).containsExactly(new Comment("keep-alive"));
    }
  }

  @Nested
  class EndOfStream {
    @Test
    void unfinishedEventIsNotDispatched() {
      assertThat(parse("data: a\n\ndata: b\n")).containsExactly(message("a"));
    }

    @Test
    void unfinishedEventIsDiscardedAtEndOfStream() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("event: x\ndata: lost\nid: 9"));
      parser.endOfStream();
      parser.feed(utf8("data: fresh\n\n"));
      assertThat(recorder.seen).containsExactly(message("fresh"));
    }

    @Test
    void endOfStreamKeepsTheCommittedLastEventId() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("id: 3\ndata: a\n\nid: 4\n"));
      parser.endOfStream();
      assertThat(parser.lastEventId()).isEqualTo("3");
      parser.feed(utf8("data: b\n\n"));
      assertThat(recorder.seen).containsExactly(message("a", "3"), message("b", "3"));
    }

    @Test
    void crAtEndOfAStreamDoesNotSwallowLfOfTheNext() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      parser.feed(utf8("data: a\r"));
      parser.endOfStream();
      parser.feed(utf8("\ndata: b\n\n"));
      assertThat(recorder.seen).containsExactly(message("b"));
    }
  }

  @Nested
  class Feeding {
    @Test
    void heapByteBufferIsConsumedFromItsPosition() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      ByteBuffer buffer = ByteBuffer.wrap(utf8("xxdata: a\n\nyy"));
      buffer.position(2).limit(buffer.capacity() - 2);
      parser.feed(buffer);
      assertThat(buffer.hasRemaining()).isFalse();
      assertThat(recorder.seen).containsExactly(message("a"));
    }

    @Test
    void slicedHeapByteBufferHonoursItsArrayOffset() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      ByteBuffer slice = ByteBuffer.wrap(utf8("junkdata: a\n\n")).position(4).slice();
      parser.feed(slice);
      assertThat(recorder.seen).containsExactly(message("a"));
    }

    @Test
    void directByteBufferLargerThanTheScratchBufferIsParsed() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = new EventStreamParser(recorder);
      String big = "x".repeat(20_000);
      byte[] input = utf8("data: " + big + "\n\n");
      ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
      parser.feed(direct);
      assertThat(recorder.seen).containsExactly(message(big));
    }

    @Test
    void feedRejectsAnOutOfBoundsRange() {
      EventStreamParser parser = new EventStreamParser(new Recorder());
      assertThatThrownBy(() -> parser.feed(new byte[4], 2, 3))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Nested
  class Limits {
    @Test
    void lineAtTheLimitIsAccepted() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = EventStreamParser.builder(recorder).maxLineLength(8).build();
      parser.feed(utf8("data: ab\n\n")); // "data: ab" is 8 bytes
      assertThat(recorder.seen).containsExactly(message("ab"));
    }

    @Test
    void completeLineOverTheLimitThrows() {
      EventStreamParser parser = EventStreamParser.builder(new Recorder()).maxLineLength(8).build();
      assertThatThrownBy(() -> parser.feed(utf8("data: abc\n\n")))
          .isInstanceOfSatisfying(EventStreamLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo(EventStreamLimitException.Limit.LINE_LENGTH);
            assertThat(e.maximum()).isEqualTo(8);
            assertThat(e.getMessage()).contains("line", "8 bytes");
          });
    }

    @Test
    void unterminatedLineOverTheLimitThrowsBeforeItsEndArrives() {
      EventStreamParser parser = EventStreamParser.builder(new Recorder()).maxLineLength(100).build();
      byte[] chunk = utf8("x".repeat(60));
      parser.feed(chunk);
      assertThatThrownBy(() -> parser.feed(chunk))
          .isInstanceOfSatisfying(EventStreamLimitException.class,
              e -> assertThat(e.limit()).isEqualTo(EventStreamLimitException.Limit.LINE_LENGTH));
    }

    @Test
    void lineSplitAcrossFeedsIsMeasuredWhole() {
      EventStreamParser parser = EventStreamParser.builder(new Recorder()).maxLineLength(8).build();
      parser.feed(utf8("data: "));
      assertThatThrownBy(() -> parser.feed(utf8("abc\n"))).isInstanceOf(EventStreamLimitException.class);
    }

    @Test
    void eventDataAtTheLimitIsAccepted() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = EventStreamParser.builder(recorder).maxEventSize(6).build();
      parser.feed(utf8("data: ab\ndata: cd\n\n")); // "ab\ncd\n" is 6 bytes
      assertThat(recorder.seen).containsExactly(message("ab\ncd"));
    }

    @Test
    void eventDataOverTheLimitThrows() {
      EventStreamParser parser = EventStreamParser.builder(new Recorder()).maxEventSize(6).build();
      assertThatThrownBy(() -> parser.feed(utf8("data: ab\ndata: cde\n\n")))
          .isInstanceOfSatisfying(EventStreamLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo(EventStreamLimitException.Limit.EVENT_SIZE);
            assertThat(e.maximum()).isEqualTo(6);
          });
    }

    @Test
    void eventSizeCountsOneEventNotTheStream() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = EventStreamParser.builder(recorder).maxEventSize(6).build();
      for (int i = 0; i < 100; i++) {
        parser.feed(utf8("data: abcde\n\n"));
      }
      assertThat(recorder.seen).hasSize(100);
    }

    @Test
    void parserRefusesInputAfterALimitUntilEndOfStream() {
      Recorder recorder = new Recorder();
      EventStreamParser parser = EventStreamParser.builder(recorder).maxLineLength(8).build();
      assertThatThrownBy(() -> parser.feed(utf8("data: too long\n")))
          .isInstanceOf(EventStreamLimitException.class);
      assertThatThrownBy(() -> parser.feed(utf8("data: ok\n\n")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("endOfStream");
      parser.endOfStream();
      parser.feed(utf8("data: ok\n\n"));
      assertThat(recorder.seen).containsExactly(message("ok"));
    }

    @Test
    void limitsMustBePositive() {
      EventStreamParser.Builder builder = EventStreamParser.builder(new Recorder());
      assertThatThrownBy(() -> builder.maxLineLength(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.maxEventSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
