package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runnable jar as a separate process, the way a person runs {@code herald subscribe}. */
class SubscribeJarIT {
  private static final Path JAR = Path.of("target", "herald.jar");
  private ScriptedServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private static Run herald(String... args) throws IOException, InterruptedException {
    assertThat(JAR).as("the shaded jar, built in the package phase").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile("herald-out", ".txt");
    Path stderr = Files.createTempFile("herald-err", ".txt");
    Process process = new ProcessBuilder(command)
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("herald did not exit within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  @Test
  void subscribeJsonPrintsEventsAndExitsAfterMaxEvents() throws Exception {
    server.then(ex -> ex.stream().send("id: 1\ndata: caf\u00e9\n\n").send("event: done\ndata: {}\n\n")
        .awaitClientClose(Duration.ofSeconds(30)));

    Run run = herald("subscribe", "--json", "--max-events", "2", server.uri("/events").toString());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("{\"type\":\"message\",\"data\":\"caf\u00e9\",\"lastEventId\":\"1\"}\n"
        + "{\"type\":\"done\",\"data\":\"{}\",\"lastEventId\":\"1\"}\n");
  }

  @Test
  void refusedSubscriptionExitsOne() throws Exception {
    server.then(ex -> ex.respond(404).send("no such topic").end());

    Run run = herald("subscribe", server.uri("/nope").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).contains("HTTP 404: no such topic");
  }

  @Test
  void versionPrintsTheProjectVersion() throws Exception {
    Run run = herald("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("herald 0.");
  }
}
