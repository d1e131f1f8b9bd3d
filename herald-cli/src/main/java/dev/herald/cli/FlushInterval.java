package dev.herald.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code --flush-interval}: {@code auto} (the hub paces each loop's flushes by their own cost) or a
 * fixed {@link Durations duration} ({@code 0s}: flush every loop tick).
 *
 * @param fixed the fixed interval, {@code null} for {@code auto}
 */
record FlushInterval(Duration fixed) {
  static final String AUTO = "auto";

  /** Reads {@code auto} or a duration, as people write them. */
  static final class Converter implements CommandLine.ITypeConverter<FlushInterval> {
    @Override
    public FlushInterval convert(String value) {
      if (value.strip().toLowerCase(Locale.ROOT).equals(AUTO)) {
        return new FlushInterval(null);
      }
      try {
        return new FlushInterval(Durations.parse(value));
      } catch (CommandLine.TypeConversionException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is neither auto nor a duration (e.g. 10ms, 0s)");
      }
    }
  }
}
