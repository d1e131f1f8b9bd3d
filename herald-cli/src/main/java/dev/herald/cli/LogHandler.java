package dev.herald.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes {@code java.util.logging} (where the JDK sends {@code System.Logger}, and Netty logs without
 * SLF4J) to {@link Log}, so that library messages share the command's line format and level.
 */
final class LogHandler extends Handler {
  private final PrintWriter err;

  private LogHandler(PrintWriter err) {
    this.err = err;
  }

  /** Replaces the root logger's handlers with one writing to {@code err} at {@link Log#threshold()}. */
  static void install(PrintWriter err) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Level level = toJul(Log.threshold());
    root.setLevel(level);
    LogHandler handler = new LogHandler(err);
    handler.setLevel(level);
    root.addHandler(handler);
    // Netty's own debug chatter (allocator settings, native library probing) is for its developers.
    Logger.getLogger("io.netty").setLevel(Log.threshold() == Log.Level.DEBUG ? Level.FINE : Level.WARNING);
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String message = record.getMessage();
    if (record.getParameters() != null && record.getParameters().length > 0 && message != null) {
      message = java.text.MessageFormat.format(message, record.getParameters());
    }
    Log.write(err, fromJul(record.getLevel()), record.getLoggerName(), message == null ? "" : message,
        record.getThrown());
  }

  @Override
  public void flush() {
    err.flush();
  }

  @Override
  public void close() {
    flush();
  }

  private static Level toJul(Log.Level level) {
    return switch (level) {
      case DEBUG -> Level.FINE;
      case INFO -> Level.INFO;
      case WARN -> Level.WARNING;
      case ERROR -> Level.SEVERE;
    };
  }

  private static Log.Level fromJul(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return Log.Level.ERROR;
    }
    if (value >= Level.WARNING.intValue()) {
      return Log.Level.WARN;
    }
    return value >= Level.INFO.intValue() ? Log.Level.INFO : Log.Level.DEBUG;
  }
}
