package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A reconnected subscriber must get exactly what it missed, in order, once. */
class ReplayCheckTest {
  @Test
  void theMissedNumbersInOrderAreExactAndTimedFromTheStart() {
    ReplayCheck check = new ReplayCheck(101, 103, 1_000);
    check.accept(101, 2_000);
    check.accept(102, 3_000);
    assertThat(check.complete()).isFalse();
    assertThat(check.recoveryNanos()).isEqualTo(-1);
    check.accept(103, 5_000);
    assertThat(check.exact()).isTrue();
    assertThat(check.recoveryNanos()).isEqualTo(4_000);
    assertThat(check.completedAtNanos()).isEqualTo(5_000);
  }

  @Test
  void anUpdateFromBeforeTheCursorIsUnexpected() {
    ReplayCheck check = new ReplayCheck(101, 102, 0);
    check.accept(100, 1);
    check.accept(101, 2);
    check.accept(102, 3);
    assertThat(check.complete()).isTrue();
    assertThat(check.exact()).isFalse();
    assertThat(check.unexpected()).isEqualTo(1);
  }

  @Test
  void aDuplicateIsUnexpected() {
    ReplayCheck check = new ReplayCheck(1, 2, 0);
    check.accept(1, 1);
    check.accept(1, 2);
    check.accept(2, 3);
    assertThat(check.exact()).isFalse();
    assertThat(check.unexpected()).isEqualTo(1);
  }

  @Test
  void aGapLeavesTheReplayIncomplete() {
    ReplayCheck check = new ReplayCheck(1, 3, 0);
    check.accept(1, 1);
    check.accept(3, 2);
    assertThat(check.complete()).isFalse();
    assertThat(check.received()).isEqualTo(1);
    assertThat(check.unexpected()).isEqualTo(1);
  }

  @Test
  void anUpdatePastTheEndIsUnexpected() {
    ReplayCheck check = new ReplayCheck(1, 1, 0);
    check.accept(1, 1);
    check.accept(2, 2);
    assertThat(check.complete()).isTrue();
    assertThat(check.exact()).isFalse();
  }
}
