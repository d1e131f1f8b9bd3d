package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald serve} from the jar, refusing to start: each case exits with the right code (2 bad
 * usage, 1 a runtime failure) and a message that names the cause; a hub that starts instead is
 * killed after 30 s and fails the test.
 */
class ServeStartupIT {
  private static final String SECRET = "startup-test-secret-long-enough-1234";

  private record Run(int exitCode, String stderr) {}

  /** Runs {@code herald serve ARGS} with {@code HERALD_*} variables replaced by {@code environment}. */
  private static Run serve(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    List<String> command = HubProcess.serveCommand(args);
    Path stderr = Files.createTempFile("herald-err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("herald serve started instead of refusing: " + Files.readString(stderr));
    }
    return new Run(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private static Run serve(String... args) throws IOException, InterruptedException {
    return serve(Map.of(), args);
  }

  private static void assertRuntimeError(Run run, String... fragments) {
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stderr()).contains(fragments).doesNotContain("--help", "null");
  }

  @Test
  void configFileTypoExitsTwoNamingTheKeyAndTheClosestOption(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("herald.properties"),
        "jwt_secret=" + SECRET + "\nlisten=127.0.0.1:0\nstore=memory\n");

    Run run = serve("--config", config.toString());

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("unknown key 'jwt_secret'", "did you mean 'jwt-secret'?")
        .doesNotContain("hub started");
  }

  @Test
  void misspelledHeraldVariableExitsTwoNamingTheClosestOne() throws Exception {
    Run run = serve(Map.of("HERALD_JWT_SECRT", SECRET), "--listen", "127.0.0.1:0", "--store", "memory");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("unknown environment variable HERALD_JWT_SECRT",
        "did you mean HERALD_JWT_SECRET?").doesNotContain("hub started");
  }

  @Test
  void corsOriginWithATrailingSlashExitsTwoWithTheReason() throws Exception {
    Run run = serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--cors-origin", "http://localhost:3000/");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("--cors-origin", "'http://localhost:3000/'", "trailing slash",
        "use 'http://localhost:3000'");
  }

  @Test
  void zeroLimitsNameTheOptionNotTheBuilderField() throws Exception {
    Run buffer = serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--write-buffer-limit", "0");
    Run topics = serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET, "--max-topics", "0");

    assertThat(buffer.exitCode()).as(buffer.stderr()).isEqualTo(2);
    assertThat(buffer.stderr()).contains("--write-buffer-limit must be at least 1024").doesNotContain("HighWaterMark");
    assertThat(topics.exitCode()).as(topics.stderr()).isEqualTo(2);
    assertThat(topics.stderr()).contains("--max-topics must be at least 1").doesNotContain("PerSubscription");
  }

  @Test
  void unresolvableListenHostSaysSo() throws Exception {
    Run run = serve("--listen", "no-such-host.invalid:0", "--store", "memory", "--jwt-secret", SECRET);

    assertRuntimeError(run, "cannot listen on no-such-host.invalid:0: cannot resolve the host name");
  }

  @Test
  void dataDirectoryThatIsAFileSaysNotADirectory(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("data"), "");

    Run run = serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--data-dir", file.toString());

    assertRuntimeError(run, "cannot use the data directory " + file.toAbsolutePath() + ": not a directory");
  }

  @Test
  void unreachableRedisSaysConnectionRefused() throws Exception {
    Run run = serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "redis://127.0.0.1:1");

    assertRuntimeError(run, "cannot reach Redis at 127.0.0.1:1: connection refused");
    assertThat(run.stderr()).doesNotContain("finishConnect");
  }

  @Test
  void unreachableSentinelsSayConnectionRefusedNamingEach() throws Exception {
    Run run = serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store",
        "redis-sentinel://:s3cret@127.0.0.1:1,127.0.0.1:2#mymaster");

    assertRuntimeError(run, "cannot reach any Redis Sentinel (127.0.0.1:1, 127.0.0.1:2): connection refused");
    assertThat(run.stderr()).doesNotContain("s3cret");
  }

  @Test
  void sentinelUriWithoutMasterNameExitsTwoSayingHowToNameIt() throws Exception {
    Run run = serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "redis-sentinel://127.0.0.1:26379");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("--store", "ends with #<master name>").doesNotContain("hub started");
  }

  @Test
  void secondHubOnTheSameDataDirectoryIsRefusedByName(@TempDir Path dir) throws Exception {
    try (HubProcess first = HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET,
        "--data-dir", dir.toString())) {
      Run second = serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--data-dir", dir.toString());

      assertRuntimeError(second, "another hub holds this data directory: " + dir.toAbsolutePath());
      assertThat(second.stderr()).doesNotContain("database is locked");
      assertThat(first.process.isAlive()).isTrue();
    }
  }

  @Test
  void hubThatCannotListenCreatesNoEventLog(@TempDir Path dir) throws Exception {
    try (HubProcess first = HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "memory")) {
      String taken = first.endpoint.replaceFirst("^http://([^/]+)/.*$", "$1");
      Path dataDir = dir.resolve("data");

      Run second = serve("--listen", taken, "--jwt-secret", SECRET, "--data-dir", dataDir.toString());

      assertRuntimeError(second, "cannot listen on " + taken);
      assertThat(dataDir.resolve("events.db")).doesNotExist();
    }
  }
}
