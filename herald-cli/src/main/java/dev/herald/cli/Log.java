package dev.herald.cli;

import java.io.PrintWriter;
import java.time.Instant;

/** One structured line per event on stderr: {@code time=... level=... msg="..." key=value ...}. */
final class Log {
  private Log() {}

  static void info(PrintWriter err, String message, String... pairs) {
    StringBuilder line = new StringBuilder("time=").append(Instant.now()).append(" level=INFO msg=")
        .append(quote(message));
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      line.append(' ').append(pairs[i]).append('=').append(quote(pairs[i + 1]));
    }
    err.println(line);
    err.flush();
  }

  private static String quote(String value) {
    boolean plain = !value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c < 127);
    return plain ? value : Json.quote(value);
  }
}
