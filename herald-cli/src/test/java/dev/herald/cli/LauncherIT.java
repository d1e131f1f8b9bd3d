package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./herald} launcher's JVM flags: {@code -XX:+ExitOnOutOfMemoryError} and a 1 GiB heap
 * come first, and what the user puts in {@code HERALD_JAVA_OPTS} wins. The launcher runs from a
 * copy of the repository's root that holds only itself, {@code scripts/jdk.sh} and a link to the
 * built jar, so it finds nothing to rebuild. When it does build, it says so first: a stand-in
 * {@code mvnw} that links the jar plays the build.
 */
class LauncherIT {
  private static final String ONE_GIB = "-XX:MaxHeapSize=1073741824";

  @TempDir
  Path root;

  /** The flags the JVM was started with, as {@code -XX:+PrintCommandLineFlags} prints them. */
  private String flags(String javaOptions) throws Exception {
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Files.copy(repository.resolve("herald"), root.resolve("herald"));
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(repository.resolve("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
    Files.createDirectories(root.resolve("herald-cli/target"));
    Path jar = Files.createSymbolicLink(root.resolve("herald-cli/target/herald.jar"),
        Path.of(HubProcess.jar()).toAbsolutePath());
    try {
      return run(javaOptions);
    } finally {
      Files.delete(jar); // before @TempDir's clean-up, which warns about links that leave the directory
    }
  }

  private String run(String javaOptions) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("herald").toString(), "--version")
        .redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("HERALD_"));
    environment.remove("JDK_JAVA_OPTIONS");
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.put("HERALD_JAVA_OPTS", "-XX:+PrintCommandLineFlags " + javaOptions);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).as("it ran the jar, not a build").contains("herald ").doesNotContain("building");
    return output;
  }

  /** The launcher in {@code root} with a stand-in {@code ./mvnw} that "builds" by linking the real jar. */
  private String build(boolean jarPresent, boolean sourcesNewer) throws Exception {
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Files.copy(repository.resolve("herald"), root.resolve("herald"));
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(repository.resolve("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
    Path target = Files.createDirectories(root.resolve("herald-cli/target"));
    Path jar = target.resolve("herald.jar");
    Path real = Path.of(HubProcess.jar()).toAbsolutePath();
    Files.writeString(root.resolve("mvnw"), "#!/bin/sh\necho 'mvnw ran'\nrm -f '" + jar + "'\nln -s '" + real + "' '"
        + jar + "'\n");
    root.resolve("mvnw").toFile().setExecutable(true);
    if (jarPresent) {
      Files.createSymbolicLink(jar, real);
    }
    if (sourcesNewer) {
      Path source = Files.createDirectories(root.resolve("herald-cli/src/main/java")).resolve("New.java");
      Files.writeString(source, "class New {}\n");
      // newer than the jar (find -newer reads the link's own time, just set)
      Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
          System.currentTimeMillis() + 60_000));
    }
    ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("herald").toString(), "--version")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_"));
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    Files.deleteIfExists(jar); // before @TempDir's clean-up, which warns about links that leave the directory
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void theFirstRunSaysItIsBuildingAndHowLongItTakes() throws Exception {
    String output = build(false, false);

    assertThat(output).startsWith("herald: building herald (first run, about 1 minute")
        .contains("mvnw ran", "herald 0.");
  }

  @Test
  void changedSourcesAreRebuiltWithOneLineSayingSo() throws Exception {
    String output = build(true, true);

    assertThat(output).startsWith("herald: the sources changed, rebuilding herald").contains("mvnw ran");
  }

  @Test
  void aFreshJarRunsWithoutAWord() throws Exception {
    assertThat(build(true, false)).startsWith("herald 0.").doesNotContain("mvnw ran", "building");
  }

  @Test
  void theHubExitsOnOutOfMemoryAndGetsA1GiBHeapByDefault() throws Exception {
    assertThat(flags("")).contains("-XX:+ExitOnOutOfMemoryError", ONE_GIB);
  }

  @Test
  void theUsersHeapSizeWins() throws Exception {
    assertThat(flags("-Xmx300m")).contains("-XX:MaxHeapSize=314572800", "-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void aPercentageOfTheMemoryIsNotOverriddenByTheDefaultHeap() throws Exception {
    // An -Xmx anywhere on the command line beats MaxRAMPercentage, so the launcher must leave it out.
    assertThat(flags("-XX:MaxRAMPercentage=5")).contains("-XX:MaxRAMPercentage=5").doesNotContain(ONE_GIB);
  }

  @Test
  void theUserMayTurnExitOnOutOfMemoryOff() throws Exception {
    assertThat(flags("-XX:-ExitOnOutOfMemoryError")).contains("-XX:-ExitOnOutOfMemoryError")
        .doesNotContain("-XX:+ExitOnOutOfMemoryError");
  }
}
