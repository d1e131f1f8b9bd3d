package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.examples.EmbeddedHub;
import dev.herald.sse.SseEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/embedding.md cannot rot: its example is this module's {@link EmbeddedHub}, compiled and run here. */
class EmbeddingGuideTest {
  private static final Path GUIDE = Path.of("..", "docs", "embedding.md");
  private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "herald", "hub", "examples",
      "EmbeddedHub.java");

  @Test
  void theGuidesExampleRunsAndDeliversThePublishedUpdate(@TempDir Path data) throws Exception {
    SseEvent event = EmbeddedHub.run(data, 0);

    assertThat(event).as("the subscriber received the update").isNotNull();
    assertThat(event.data()).isEqualTo("{\"title\":\"Dune\"}");
    assertThat(data.resolve("events.db")).exists();
  }

  @Test
  void theGuideShowsTheExampleAsItIs() throws Exception {
    String example = Files.readString(EXAMPLE);
    String body = example.substring(example.indexOf("    String secret"), example.indexOf("  public static void main"));

    assertThat(Files.readString(GUIDE)).contains(body.stripTrailing());
  }
}
