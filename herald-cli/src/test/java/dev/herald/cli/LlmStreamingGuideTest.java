package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/llm-streaming.md shows the backend's Java code as {@link LlmStreamingGuideIT} runs it, so that
 * the guide cannot drift from what the browser test proves: the relay class whole, and the few lines
 * that call it.
 */
class LlmStreamingGuideTest {
  private static final Path GUIDE = GuideBlocks.guide("llm-streaming.md");

  @Test
  void theGuideShowsTheRelayClassAsItIs() throws Exception {
    String source = Files.readString(GuideBlocks.testSource("AnswerRelay.java"));
    String withoutPackage = source.substring(source.indexOf("\nimport ") + 1);

    assertThat(GuideBlocks.block(GUIDE, "LlmStreamingGuideTest: relay", "java")).isEqualTo(withoutPackage);
  }

  @Test
  void theGuideShowsTheCallOfTheRelayAsTheTestMakesIt() throws Exception {
    String call = GuideBlocks.region(GuideBlocks.testSource("LlmStreamingGuideIT.java"), "usage");

    assertThat(GuideBlocks.block(GUIDE, "LlmStreamingGuideTest: usage", "java")).isEqualTo(call);
  }
}
