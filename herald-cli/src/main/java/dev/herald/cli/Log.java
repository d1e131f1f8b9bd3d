package dev.herald.cli;

import dev.herald.hub.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/**
 * One line per noteworthy event on stderr, as logfmt text ({@code time=... level=INFO msg="..."
 * key=value}) or as a JSON object per line ({@code --log-format json}), filtered by level
 * ({@code --log-level}). {@link LogHandler} sends the libraries' {@code System.Logger} records here
 * too, so that one format covers everything the process says. Tokens and payloads are never logged:
 * the callers pass neither.
 */
final class Log {
  /** Line formats. */
  enum Format { TEXT, JSON }

  /** Levels, in increasing severity. */
  enum Level { DEBUG, INFO, WARN, ERROR }

  private static volatile Format format = Format.TEXT;
  private static volatile Level threshold = Level.INFO;

  private Log() {}

  static void configure(Format lineFormat, Level level) {
    format = lineFormat;
    threshold = level;
  }

  static Level threshold() {
    return threshold;
  }

  static void info(PrintWriter err, String message, String... pairs) {
    write(err, Level.INFO, null, message, null, pairs);
  }

  /** Writes one line if {@code level} passes the threshold; {@code logger} and {@code error} may be null. */
  static void write(PrintWriter err, Level level, String logger, String message, Throwable error, String... pairs) {
    if (level.ordinal() < threshold.ordinal()) {
      return;
    }
    String line = format == Format.JSON ? json(level, logger, message, error, pairs)
        : text(level, logger, message, error, pairs);
    synchronized (Log.class) {
      err.println(line);
      err.flush();
    }
  }

  private static String text(Level level, String logger, String message, Throwable error, String... pairs) {
    StringBuilder line = new StringBuilder("time=").append(Instant.now()).append(" level=").append(level)
        .append(" msg=").append(quote(message));
    if (logger != null) {
      line.append(" logger=").append(quote(logger));
    }
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      line.append(' ').append(pairs[i]).append('=').append(quote(pairs[i + 1]));
    }
    if (error != null) {
      line.append(" error=").append(quote(describe(error)));
    }
    return line.toString();
  }

  private static String json(Level level, String logger, String message, Throwable error, String... pairs) {
    StringBuilder line = new StringBuilder("{\"time\":").append(Json.string(Instant.now().toString()))
        .append(",\"level\":").append(Json.string(level.name().toLowerCase(Locale.ROOT)))
        .append(",\"msg\":").append(Json.string(message));
    if (logger != null) {
      line.append(",\"logger\":").append(Json.string(logger));
    }
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      line.append(',').append(Json.string(pairs[i])).append(':').append(Json.string(pairs[i + 1]));
    }
    if (error != null) {
      line.append(",\"error\":").append(Json.string(describe(error)));
    }
    return line.append('}').toString();
  }

  /** The exception and its causes on one line: stack traces would break the one-line-per-event rule. */
  private static String describe(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (out.length() > 0) {
        out.append("; caused by ");
      }
      out.append(t.getClass().getName());
      if (t.getMessage() != null) {
        out.append(": ").append(t.getMessage());
      }
      StackTraceElement[] trace = t.getStackTrace();
      if (trace.length > 0) {
        out.append(" at ").append(trace[0]);
      }
    }
    return out.toString();
  }

  private static String quote(String value) {
    boolean plain = !value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c < 127);
    return plain ? value : Json.string(value);
  }
}
