package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * CORS allowlist entries must be origins as browsers serialize them (else they could never match),
 * and a refused origin is logged at debug level.
 */
class CorsTest {
  @Test
  void originsAsBrowsersSendThemAreAccepted() {
    assertThat(Cors.originProblem("http://localhost:3000")).isNull();
    assertThat(Cors.originProblem("https://app.example")).isNull();
    assertThat(Cors.originProblem("https://app.example:8443")).isNull();
    assertThat(Cors.originProblem("http://[::1]:8080")).isNull();
    assertThat(Cors.originProblem("chrome-extension://abcdefghijklmnop")).isNull();
  }

  @Test
  void trailingSlashIsRefusedWithTheOriginThatWouldMatch() {
    assertThat(Cors.originProblem("http://localhost:3000/"))
        .contains("'http://localhost:3000/' can never match", "trailing slash", "use 'http://localhost:3000'");
  }

  @Test
  void pathQueryUserInfoAndMissingHostAreRefused() {
    assertThat(Cors.originProblem("https://app.example/chat")).contains("path ('/chat')");
    assertThat(Cors.originProblem("https://app.example?x=1")).contains("query");
    assertThat(Cors.originProblem("https://user@app.example")).contains("user information");
    assertThat(Cors.originProblem("app.example")).contains("scheme://host[:port]");
    assertThat(Cors.originProblem("https://")).contains("is not an origin");
    assertThat(Cors.originProblem("null")).contains("sandboxed");
  }

  @Test
  void upperCaseAndDefaultPortsAreRefusedSinceBrowsersNeverSendThem() {
    assertThat(Cors.originProblem("https://App.Example")).contains("lower case", "use 'https://app.example'");
    assertThat(Cors.originProblem("https://app.example:443")).contains("default port", "use 'https://app.example'");
    assertThat(Cors.originProblem("http://app.example:80")).contains("default port");
  }

  @Test
  void builderRefusesAnEntryThatIsNotAnOrigin() {
    assertThatThrownBy(() -> Hub.builder().corsOrigins(List.of("*", "http://localhost:3000/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http://localhost:3000/'");
    assertThatThrownBy(() -> Hub.builder().publishOrigins(List.of("https://app.example/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing slash");
    assertThatThrownBy(() -> Hub.builder().publishOrigins(List.of("*")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("any site");
  }

  @Test
  void refusedOriginIsLoggedAtDebugLevelWithTheOrigin() throws Exception {
    Logger logger = Logger.getLogger(Cors.class.getName());
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Level previous = logger.getLevel();
    logger.setLevel(Level.FINE);
    logger.addHandler(capture);
    try (HubFixture fixture = new HubFixture(builder -> builder.anonymous(true)
        .corsOrigins(List.of("https://app.example")))) {
      fixture.get(fixture.uri("/healthz"), "Origin", "https://evil.example");
      fixture.get(fixture.uri("/healthz"), "Origin", "https://app.example");
    } finally {
      logger.removeHandler(capture);
      logger.setLevel(previous);
    }

    assertThat(records).singleElement().satisfies(record -> {
      assertThat(record.getLevel()).isEqualTo(Level.FINE);
      assertThat(record.getMessage()).contains("origin=https://evil.example");
    });
  }
}
