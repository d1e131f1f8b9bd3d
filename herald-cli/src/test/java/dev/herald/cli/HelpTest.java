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
}
