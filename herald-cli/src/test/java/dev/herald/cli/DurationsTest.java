package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {
  @Test
  void readsUnitsPeopleWrite() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("0")).isZero();
  }

  @Test
  void readsIso8601() {
    assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesAnythingElse() {
    for (String bad : new String[] {"", "10", "ten s", "5w", "-5s", "PT-5S", "s"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class);
    }
  }

  @Test
  void formatsInTheLargestExactUnitAndReadsBackTheSame() {
    assertThat(Durations.format(Duration.ofSeconds(20))).isEqualTo("20s");
    assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration duration : new Duration[] {Duration.ZERO, Duration.ofMillis(1), Duration.ofSeconds(90),
        Duration.ofHours(36), Duration.ofNanos(1500), Duration.ofDays(400)}) {
      assertThat(Durations.parse(Durations.format(duration))).as("%s", duration).isEqualTo(duration);
    }
  }
}
