package dev.herald.cli;

import java.time.Clock;
import java.time.Instant;

/**
 * What {@code herald bench} publishes: {@code "<topic> <seq> <sendEpochMicros> <padding>"}, padded
 * with {@code x} to the requested size, so that any subscriber, in any process on the machine, can
 * tell which update it got and how long it took (epoch microseconds from the system clock, which
 * every process on one machine shares).
 */
record BenchPayload(int topic, long seq, long sendMicros) {
  private static final Clock CLOCK = Clock.systemUTC();

  /** Now, in microseconds since the epoch. */
  static long nowMicros() {
    Instant now = CLOCK.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** The text, at least {@code size} characters (more only if the numbers alone are longer). */
  String format(int size) {
    StringBuilder out = new StringBuilder(Math.max(size, 48))
        .append(topic).append(' ').append(seq).append(' ').append(sendMicros).append(' ');
    while (out.length() < size) {
      out.append('x');
    }
    return out.toString();
  }

  /** The payload in {@code text}, or null when it is not one (another publisher's update). */
  static BenchPayload parse(String text) {
    int first = text.indexOf(' ');
    int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
    if (second < 0) {
      return null;
    }
    int third = text.indexOf(' ', second + 1);
    int end = third < 0 ? text.length() : third;
    try {
      return new BenchPayload(Integer.parseInt(text, 0, first, 10),
          Long.parseLong(text, first + 1, second, 10), Long.parseLong(text, second + 1, end, 10));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
