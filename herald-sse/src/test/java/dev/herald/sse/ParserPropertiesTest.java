package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Properties of {@link EventStreamParser} over generated streams, each checked on many cases. */
class ParserPropertiesTest {

  @Test
  void agreesWithTheNaiveSpecTranscriptionOnGeneratedStreams() {
    Trials.run(5_000, random -> {
      byte[] stream = RandomInputs.streamBytes(random, 40);
      Recorder expected = new Recorder();
      String expectedLastEventId = SpecReferenceParser.parse(stream, expected);

      Parsing.Outcome actual = Parsing.run(stream, RandomInputs.cuts(random, stream.length));

      assertThat(actual.seen()).as("callbacks").isEqualTo(expected.seen);
      assertThat(actual.lastEventId()).as("last event ID").isEqualTo(expectedLastEventId);
    });
  }

  @Test
  void howTheInputIsChunkedNeverChangesTheOutcome() {
    Trials.run(2_000, random -> {
      byte[] stream = RandomInputs.streamBytes(random, 60);
      Parsing.Outcome whole = Parsing.run(stream, new int[0]);
      for (int i = 0; i < 5; i++) {
        assertThat(Parsing.run(stream, RandomInputs.cuts(random, stream.length))).isEqualTo(whole);
      }
    });
  }

  @Test
  void arbitraryBytesRaiseNothingButTheLimitException() {
    Trials.run(3_000, random -> {
      byte[] stream = random.nextBoolean()
          ? RandomInputs.anyBytes(random, 400)
          : RandomInputs.streamBytes(random, 80);
      EventStreamParser parser = EventStreamParser.builder(new Recorder())
          .maxLineLength(1 + random.nextInt(64))
          .maxEventSize(1 + random.nextInt(64))
          .build();
      int[] cuts = RandomInputs.cuts(random, stream.length);
      int start = 0;
      try {
        for (int cut : cuts) {
          parser.feed(stream, start, cut - start);
          start = cut;
        }
        parser.feed(stream, start, stream.length - start);
      } catch (EventStreamLimitException expected) {
        // the one documented failure
      }
      parser.endOfStream();
    });
  }
}
