package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link FlushPacer} alone: how long a flush asked for at a given time waits, in its three modes. */
class FlushPacerTest {
  private static final long MS = 1_000_000;

  @Test
  void theFirstFlushNeverWaits() {
    assertThat(new FlushPacer(null).waitNanos(0)).isZero();
    assertThat(new FlushPacer(Duration.ofSeconds(1)).waitNanos(0)).isZero();
  }

  @Test
  void adaptiveWaitsAsLongAsTheLastPassTookCountedFromItsEnd() {
    FlushPacer pacer = new FlushPacer(null);
    pacer.passed(100 * MS, 106 * MS);
    assertThat(pacer.waitNanos(106 * MS)).isEqualTo(6 * MS);
    assertThat(pacer.waitNanos(110 * MS)).isEqualTo(2 * MS);
    assertThat(pacer.waitNanos(112 * MS)).isZero();
  }

  @Test
  void adaptiveDoesNotWaitWhatIsNotWorthATimer() {
    FlushPacer pacer = new FlushPacer(null);
    pacer.passed(0, 10 * MS);
    assertThat(pacer.waitNanos(20 * MS - FlushPacer.MIN_WAIT_NANOS)).isEqualTo(FlushPacer.MIN_WAIT_NANOS);
    assertThat(pacer.waitNanos(20 * MS - FlushPacer.MIN_WAIT_NANOS + 1)).isZero();
  }

  @Test
  void adaptiveWaitsAtMostTheBound() {
    FlushPacer pacer = new FlushPacer(null);
    pacer.passed(0, 3_000 * MS);
    assertThat(pacer.waitNanos(3_000 * MS)).isEqualTo(FlushPacer.MAX_WAIT_NANOS);
  }

  @Test
  void aFixedIntervalCountsFromTheStartOfTheLastPassAndWaitsEvenALittle() {
    FlushPacer pacer = new FlushPacer(Duration.ofMillis(10));
    pacer.passed(0, 6 * MS);
    assertThat(pacer.waitNanos(6 * MS)).isEqualTo(4 * MS);
    assertThat(pacer.waitNanos(10 * MS - 1)).isEqualTo(1);
    assertThat(pacer.waitNanos(10 * MS)).isZero();
  }

  @Test
  void zeroNeverWaitsAndReadsNoClock() {
    FlushPacer pacer = new FlushPacer(Duration.ZERO);
    pacer.passed(0, 1_000 * MS);
    assertThat(pacer.waitNanos(1_000 * MS)).isZero();
    assertThat(pacer.timed()).isFalse();
  }
}
