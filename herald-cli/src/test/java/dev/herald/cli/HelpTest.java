package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every command's --help renders cleanly: picocli warns on System.err about an unescaped '%'. */
class HelpTest {
  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    PrintStream original = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (String command : new String[] {"serve", "publish", "subscribe", "token", "bench"}) {
        assertThat(Herald.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(),
            command, "--help")).as(command).isZero();
      }
    } finally {
      System.setErr(original);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(out.toString()).contains("--retry-policy", "50% random jitter", "Development mode");
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int herald(String... args) {
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
  }

  @Test
  void helpCommandListsTheCommandsAndShowsOnesUsage() {
    assertThat(herald("help")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("serve", "publish", "subscribe", "token", "bench");
    out.getBuffer().setLength(0);

    assertThat(herald("help", "subscribe")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Usage: herald subscribe", "--hub", "--topic");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void portOnServeSuggestsListen() {
    assertThat(herald("serve", "--port", "9090")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option", "did you mean --listen :9090?", "Try 'herald serve --help'");
  }

  @Test
  void misspelledOptionSuggestsTheNearestOne() {
    assertThat(herald("subscribe", "--max-event", "1", "http://localhost/")).isEqualTo(2);
    assertThat(err.toString()).contains("did you mean --max-events?");
  }

  @Test
  void farFetchedOptionGetsNoSuggestion() {
    assertThat(herald("token", "--completely-different")).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("did you mean");
  }
}
