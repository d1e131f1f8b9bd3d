package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The log line formats and the level threshold. */
class LogTest {
  private final StringWriter out = new StringWriter();
  private final PrintWriter err = new PrintWriter(out);

  @AfterEach
  void restoreDefaults() {
    Log.configure(Log.Format.TEXT, Log.Level.INFO);
  }

  @Test
  void textLinesAreLogfmt() {
    Log.configure(Log.Format.TEXT, Log.Level.INFO);
    Log.info(err, "hub started", "url", "http://localhost:8080/.well-known/mercure", "store", "sqlite: a b");

    assertThat(out.toString()).matches("time=\\S+ level=INFO msg=\"hub started\" "
        + "url=http://localhost:8080/.well-known/mercure store=\"sqlite: a b\"\\R");
  }

  @Test
  void jsonLinesAreOneObjectEach() {
    Log.configure(Log.Format.JSON, Log.Level.INFO);
    Log.info(err, "hub started", "url", "http://x/\"quoted\"");

    assertThat(out.toString()).matches("\\{\"time\":\"[^\"]+\",\"level\":\"info\",\"msg\":\"hub started\","
        + "\"url\":\"http://x/\\\\\"quoted\\\\\"\"\\}\\R");
  }

  @Test
  void linesBelowTheThresholdAreDropped() {
    Log.configure(Log.Format.TEXT, Log.Level.WARN);
    Log.info(err, "quiet");
    Log.write(err, Log.Level.WARN, null, "loud", null);

    assertThat(out.toString()).doesNotContain("quiet").contains("msg=loud");
  }

  @Test
  void anErrorStaysOnOneLine() {
    Log.configure(Log.Format.JSON, Log.Level.INFO);
    Log.write(err, Log.Level.ERROR, "dev.herald.hub.log.SqliteWriter", "storing failed",
        new IllegalStateException("disk full", new java.io.IOException("no space")));

    String line = out.toString();
    assertThat(line.lines()).hasSize(1);
    assertThat(line).contains("\"level\":\"error\"", "\"logger\":\"dev.herald.hub.log.SqliteWriter\"",
        "java.lang.IllegalStateException: disk full", "caused by java.io.IOException: no space");
  }

  @Test
  void libraryRecordsTakeTheSameFormat() {
    Log.configure(Log.Format.JSON, Log.Level.INFO);
    LogHandler.install(err);
    try {
      LogRecord record = new LogRecord(Level.INFO, "subscription refused: reason=invalid_token address=127.0.0.1");
      record.setLoggerName("dev.herald.hub.Subscriber");
      java.util.logging.Logger.getLogger("dev.herald.hub.Subscriber").log(record);
      java.util.logging.Logger.getLogger("io.netty.util.internal.PlatformDependent").info("netty chatter");

      assertThat(out.toString()).contains("\"msg\":\"subscription refused: reason=invalid_token address=127.0.0.1\"",
          "\"logger\":\"dev.herald.hub.Subscriber\"").doesNotContain("netty chatter");
    } finally {
      java.util.logging.LogManager.getLogManager().reset();
    }
  }
}
