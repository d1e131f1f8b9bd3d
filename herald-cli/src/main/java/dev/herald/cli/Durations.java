package dev.herald.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Reads durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, {@code 0}, or ISO-8601. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (value.equals("0")) {
        return Duration.ZERO;
      }
      if (value.startsWith("p")) {
        return nonNegative(Duration.parse(text.strip()), text);
      }
      int unitStart = 0;
      while (unitStart < value.length() && Character.isDigit(value.charAt(unitStart))) {
        unitStart++;
      }
      if (unitStart == 0) {
        throw invalid(text);
      }
      long amount = Long.parseLong(value.substring(0, unitStart));
      switch (value.substring(unitStart)) {
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        case "d":
          return Duration.ofDays(amount);
        default:
          throw invalid(text);
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw invalid(text);
    }
  }

  /**
   * {@code duration} as {@link #parse} reads it, in the largest unit that is exact: {@code 20s},
   * {@code 1m}, {@code 7d}, {@code 1500ms}, {@code 0s}; a part of a millisecond as ISO-8601.
   */
  static String format(Duration duration) {
    if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
      return duration.toString();
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis % sizes[i] == 0) {
        return millis / sizes[i] + units[i];
      }
    }
    return millis + "ms";
  }

  private static Duration nonNegative(Duration duration, String text) {
    if (duration.isNegative()) {
      throw invalid(text);
    }
    return duration;
  }

  private static CommandLine.TypeConversionException invalid(String text) {
    return new CommandLine.TypeConversionException(
        "'" + text + "' is not a duration; use e.g. 500ms, 30s, 5m, 1h, 7d or PT30S");
  }
}
