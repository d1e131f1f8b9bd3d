package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/browser.md shows the Java code that sets the cookie as {@link GuideApplication} runs it in
 * {@link BrowserGuideIT}, so that the guide's Java side cannot drift from what the browser test proves.
 */
class BrowserGuideTest {
  private static final Path GUIDE = Path.of("..", "docs", "browser.md");
  private static final Path APPLICATION = Path.of("src", "test", "java", "dev", "herald", "cli",
      "GuideApplication.java");

  @Test
  void theGuideShowsTheApplicationsCookieCodeAsItIs() throws Exception {
    String source = Files.readString(APPLICATION);
    int start = source.indexOf("  static String mercureCookie(");
    String method = source.substring(start, source.indexOf("\n  }\n", start) + "\n  }".length());

    assertThat(Files.readString(GUIDE)).contains("```java\n" + method + "\n```");
  }
}
