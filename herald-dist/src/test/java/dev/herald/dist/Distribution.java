package dev.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What `./mvnw package -Pdist` built in herald-dist/target, and the few process helpers the tests
 * share. The tests run in herald-dist (failsafe's working directory) after the package phase.
 */
final class Distribution {
  static final Path TARGET = Path.of("target").toAbsolutePath();
  static final String VERSION = System.getProperty("herald.dist.version", "0.1.0-SNAPSHOT");
  static final String TOP = "herald-" + VERSION;
  /** A secret the tests configure, so that no hub runs in development mode. */
  static final String SECRET = "herald-dist-tests-secret-of-at-least-32-bytes";

  private Distribution() {}

  static Path archive() {
    Path archive = TARGET.resolve(TOP + "-linux-x64.tar.gz");
    assertThat(archive).as("the archive (./mvnw package -Pdist)").isRegularFile();
    return archive;
  }

  static Path debianPackage() {
    return TARGET.resolve("herald_" + VERSION.replace('-', '~') + "_amd64.deb");
  }

  /** Extracts the archive into {@code into} and returns the top folder, readable by every user. */
  static Path extract(Path into) throws IOException, InterruptedException {
    run(List.of("tar", "-xzf", archive().toString(), "-C", into.toString()));
    // Temporary directories are private to root: the non-root tests need to reach the runtime.
    run(List.of("chmod", "a+rx", into.toString()));
    return into.resolve(TOP);
  }

  /** Runs a command to completion; returns its output (stdout and stderr) if it exits with 0. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Result result = attempt(command);
    assertThat(result.exitCode()).as("%s exits with 0; it printed:%n%s", command, result.output()).isZero();
    return result.output();
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to completion, whatever its exit code. */
  static Result attempt(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // herald refuses HERALD_* variables it does not know, such as the tests' HERALD_REQUIRE_DIST.
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_"));
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not end in 120 s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  static boolean onPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }

  /** HERALD_REQUIRE_DIST=1 (set by .ci/run) turns a missing prerequisite into a failure. */
  static boolean required() {
    return "1".equals(System.getenv("HERALD_REQUIRE_DIST"));
  }

  static boolean root() throws IOException, InterruptedException {
    return attempt(List.of("id", "-u")).output().strip().equals("0");
  }
}
