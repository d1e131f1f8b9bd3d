package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --flush-interval}: {@code auto} or a duration. */
class FlushIntervalTest {
  private final FlushInterval.Converter converter = new FlushInterval.Converter();

  @Test
  void autoIsAdaptive() {
    assertThat(converter.convert("auto").fixed()).isNull();
    assertThat(converter.convert(" AUTO ").fixed()).isNull();
  }

  @Test
  void aDurationIsAFixedIntervalAndZeroIsEveryTick() {
    assertThat(converter.convert("10ms").fixed()).isEqualTo(Duration.ofMillis(10));
    assertThat(converter.convert("0s").fixed()).isEqualTo(Duration.ZERO);
  }

  @Test
  void anythingElseIsAUsageErrorNamingBothForms() {
    assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("auto").hasMessageContaining("duration");
  }
}
