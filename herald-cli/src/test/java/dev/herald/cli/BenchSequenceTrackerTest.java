package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BenchSequenceTrackerTest {
  private static SequenceTracker track(long lastPublished, long... seqs) {
    SequenceTracker tracker = new SequenceTracker();
    for (long seq : seqs) {
      tracker.accept(seq);
    }
    tracker.finish(lastPublished);
    return tracker;
  }

  @Test
  void inOrderIsClean() {
    SequenceTracker tracker = track(5, 1, 2, 3, 4, 5);
    assertThat(tracker.gaps()).isZero();
    assertThat(tracker.duplicates()).isZero();
  }

  @Test
  void missingNumbersAreGapsAtTheStartInTheMiddleAndAtTheEnd() {
    assertThat(track(5, 2, 3, 4, 5).gaps()).isEqualTo(1);
    assertThat(track(5, 1, 2, 5).gaps()).isEqualTo(2);
    assertThat(track(7, 1, 2, 3).gaps()).isEqualTo(4);
    assertThat(track(3).gaps()).isEqualTo(3);
    assertThat(track(1000, 1, 1000).gaps()).isEqualTo(998);
  }

  @Test
  void repeatsAreDuplicates() {
    SequenceTracker tracker = track(3, 1, 2, 2, 3, 1, 3);
    assertThat(tracker.duplicates()).isEqualTo(3);
    assertThat(tracker.gaps()).isZero();
  }

  @Test
  void reorderingWithinTheWindowIsNeitherGapNorDuplicate() {
    SequenceTracker tracker = track(6, 2, 1, 4, 3, 6, 5);
    assertThat(tracker.gaps()).isZero();
    assertThat(tracker.duplicates()).isZero();
  }

  @Test
  void aNumberLaterThanTheWindowWasLateNotLost() {
    SequenceTracker tracker = new SequenceTracker();
    for (long seq = 2; seq <= 2 + SequenceTracker.WINDOW; seq++) {
      tracker.accept(seq);
    }
    assertThat(tracker.gaps()).isEqualTo(1);
    tracker.accept(1);
    tracker.finish(2 + SequenceTracker.WINDOW);
    assertThat(tracker.gaps()).isZero();
    assertThat(tracker.duplicates()).isZero();
  }

  @Test
  void shuffledStreamsWithKnownLossesAndRepeatsAreCountedExactly() {
    Random random = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(5000);
      List<Long> sent = new ArrayList<>();
      int lost = 0;
      int repeated = 0;
      for (long seq = 1; seq <= n; seq++) {
        if (random.nextInt(20) == 0) {
          lost++;
          continue;
        }
        sent.add(seq);
        if (random.nextInt(30) == 0) {
          sent.add(seq);
          repeated++;
        }
      }
      // local reordering, as concurrent publishes give: swap neighbours within a few places
      for (int i = 0; i + 1 < sent.size(); i++) {
        int j = Math.min(sent.size() - 1, i + random.nextInt(8));
        Collections.swap(sent, i, j);
      }
      SequenceTracker tracker = new SequenceTracker();
      sent.forEach(tracker::accept);
      tracker.finish(n);
      assertThat(tracker.gaps()).as("trial %s", trial).isEqualTo(lost);
      assertThat(tracker.duplicates()).as("trial %s", trial).isEqualTo(repeated);
    }
  }
}
