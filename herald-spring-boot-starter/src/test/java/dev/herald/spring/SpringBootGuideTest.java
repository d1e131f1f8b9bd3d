package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/spring-boot.md cannot rot: its properties, code and failure report are the starter's. */
class SpringBootGuideTest {
  private static final Path GUIDE = Path.of("..", "docs", "spring-boot.md");
  private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
  private static final Path CONTROLLER = Path.of("src", "it", "boot4-app", "src", "main", "java", "com", "example",
      "orders", "OrderController.java");

  @Test
  void theGuideListsEveryPropertyAndNoOther() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher rows = Pattern.compile("(?m)^\\| `(herald\\.[a-z.-]+)` \\|").matcher(Files.readString(GUIDE));
    while (rows.find()) {
      documented.add(rows.group(1));
    }
    Set<String> declared = new TreeSet<>();
    String metadata = Files.readString(METADATA);
    String properties = metadata.substring(metadata.indexOf("\"properties\"")); // after the groups
    int hints = properties.indexOf("\"hints\"");
    Matcher names = Pattern.compile("\"name\": ?\"(herald\\.[a-z.-]+)\"")
        .matcher(hints < 0 ? properties : properties.substring(0, hints));
    while (names.find()) {
      declared.add(names.group(1));
    }
    assertThat(declared).hasSizeGreaterThan(40);
    assertThat(documented).isEqualTo(declared);
  }

  @Test
  void theGuideShowsTheTestApplicationsControllerAsItIs() throws IOException {
    String controller = Files.readString(CONTROLLER);
    String shown = controller.substring(controller.indexOf("@RestController"));
    assertThat(Files.readString(GUIDE)).contains("```java\n" + shown + "```");
  }

  @Test
  void theGuideShowsTheNettyFailureReportAsTheStarterWritesIt() throws IOException {
    HeraldConfigurationException failure = LibraryVersions.nettyTooOld("netty-buffer 4.1.128.Final",
        LibraryVersions.built().get("netty"));
    assertThat(Files.readString(GUIDE)).contains("Description:\n\n" + failure.getMessage() + "\n\nAction:\n\n"
        + failure.action() + "\n");
  }

  @Test
  void theGuideGivesTheNettyVersionHeraldIsBuiltWith() throws IOException {
    assertThat(Files.readString(GUIDE)).contains("<netty.version>" + LibraryVersions.built().get("netty")
        + "</netty.version>");
  }
}
