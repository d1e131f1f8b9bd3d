package dev.herald.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads sizes in bytes as people write them: a number of bytes ({@code 1048576}), or a whole number
 * with a unit, with or without a space. {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} are powers
 * of 1024 ({@code 64MiB} = 67,108,864 bytes); {@code KB}, {@code MB}, {@code GB}, {@code TB} are
 * powers of 1000, as the SI and disk makers mean them ({@code 64MB} = 64,000,000 bytes); {@code B} is
 * bytes. Units are case-insensitive. Anything else (a sign, a fraction, {@code 64M}, a number past
 * the range) is refused with a message that shows the forms; picocli then exits 2 like any bad value.
 * {@link #format} writes the other way, in the largest 1024-based unit that is exact.
 */
final class ByteSize implements CommandLine.ITypeConverter<Long> {
  private static final String[] BINARY = {"kib", "mib", "gib", "tib"};
  private static final String[] DECIMAL = {"kb", "mb", "gb", "tb"};

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  /** For {@code int} options: a size that also fits in an {@code int} (at most 2 GiB less one byte). */
  static final class Int implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      long bytes = parse(value);
      if (bytes > Integer.MAX_VALUE) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is too large here: at most " + Integer.MAX_VALUE + " bytes (2GiB less one byte)");
      }
      return (int) bytes;
    }
  }

  static long parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    int digits = 0;
    while (digits < value.length() && value.charAt(digits) >= '0' && value.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == 0) {
      throw invalid(text);
    }
    long multiplier = multiplier(value.substring(digits).strip(), text);
    java.math.BigInteger bytes = new java.math.BigInteger(value.substring(0, digits))
        .multiply(java.math.BigInteger.valueOf(multiplier));
    if (bytes.bitLength() > 63) {
      throw new CommandLine.TypeConversionException("'" + text + "' is too large: at most " + Long.MAX_VALUE + " bytes");
    }
    return bytes.longValueExact();
  }

  private static long multiplier(String unit, String text) {
    if (unit.isEmpty() || unit.equals("b")) {
      return 1;
    }
    long binary = 1;
    long decimal = 1;
    for (int i = 0; i < BINARY.length; i++) {
      binary *= 1024;
      decimal *= 1000;
      if (unit.equals(BINARY[i])) {
        return binary;
      }
      if (unit.equals(DECIMAL[i])) {
        return decimal;
      }
    }
    throw invalid(text);
  }

  /** {@code bytes} in the largest 1024-based unit that divides it: {@code 1MiB}, {@code 1536KiB}, {@code 1000}. */
  static String format(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    int unit = -1;
    while (unit + 1 < BINARY.length && bytes % (1L << (10 * (unit + 2))) == 0) {
      unit++;
    }
    return unit < 0 ? Long.toString(bytes)
        : (bytes >> (10 * (unit + 1))) + BINARY[unit].substring(0, 1).toUpperCase(Locale.ROOT) + "iB";
  }

  private static CommandLine.TypeConversionException invalid(String text) {
    return new CommandLine.TypeConversionException("'" + text + "' is not a size in bytes; use a whole number of"
        + " bytes or one with a unit: 1048576, 512KiB, 64MiB, 1GiB (1024-based) or 500KB, 64MB, 1GB (1000-based)");
  }
}
