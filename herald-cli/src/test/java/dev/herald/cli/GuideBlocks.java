package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes code out of a guide in docs/ and out of the test sources it must match, so that a guide's
 * examples are the code the tests run: a fenced block is the one after an HTML comment marker, a
 * region of a source file the lines between two marker comments. Each lookup that finds nothing, or
 * finds it twice, fails loudly instead of testing something else.
 */
final class GuideBlocks {
  private GuideBlocks() {}

  /** {@code docs/NAME} as seen from a module's directory, where Maven runs its tests. */
  static Path guide(String name) {
    return Path.of("..", "docs", name);
  }

  /** {@code NAME} in this package's test sources. */
  static Path testSource(String name) {
    return Path.of("src", "test", "java", "dev", "herald", "cli", name);
  }

  /**
   * The content of the fenced block of {@code language} that follows the line {@code <!-- marker -->}
   * in {@code guide}, ending with a line break.
   */
  static String block(Path guide, String marker, String language) throws IOException {
    String text = Files.readString(guide);
    String line = "<!-- " + marker + " -->\n";
    int at = text.indexOf(line);
    assertThat(at).as("%s has the marker %s", guide, line.strip()).isNotNegative();
    assertThat(text.indexOf(line, at + 1)).as("%s has the marker %s once", guide, line.strip()).isNegative();
    String fence = "```" + language + "\n";
    int start = at + line.length();
    assertThat(text.startsWith(fence, start)).as("a %s block follows %s", language, line.strip()).isTrue();
    int body = start + fence.length();
    int end = text.indexOf("\n```\n", body);
    assertThat(end).as("the block after %s ends", line.strip()).isPositive();
    return text.substring(body, end + 1);
  }

  /**
   * The lines of {@code source} between the line holding {@code // begin} and the one holding
   * {@code // end} (both followed by {@code name}), without the indentation of the first of them.
   */
  static String region(Path source, String name) throws IOException {
    String text = Files.readString(source);
    String begin = "// begin " + name + "\n";
    String end = "// end " + name + "\n";
    int at = text.indexOf(begin);
    assertThat(at).as("%s has %s", source, begin.strip()).isNotNegative();
    int indent = at - text.lastIndexOf('\n', at) - 1;
    int from = at + begin.length();
    int to = text.lastIndexOf('\n', text.indexOf(end, from)) + 1;
    assertThat(to).as("%s has %s after %s", source, end.strip(), begin.strip()).isGreaterThan(from);
    StringBuilder lines = new StringBuilder();
    for (String lineText : text.substring(from, to).split("\n", -1)) {
      lines.append(lineText.length() >= indent && lineText.substring(0, indent).isBlank()
          ? lineText.substring(indent) : lineText.strip()).append('\n');
    }
    return lines.substring(0, lines.length() - 1); // split's last piece is the empty one after the final \n
  }

  /** {@code text} with its one {@code target} replaced: a guide that changed it fails here, loudly. */
  static String replaceOnce(String text, String target, String replacement) {
    int at = text.indexOf(target);
    assertThat(at).as("the block holds %s", target).isNotNegative();
    assertThat(text.indexOf(target, at + 1)).as("the block holds %s once", target).isNegative();
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }
}
