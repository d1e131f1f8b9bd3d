package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.herald.hub.auth.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code herald serve} as a separate process, used the way the README says: publish with
 * {@code herald publish} and with curl, subscribe with curl -N and {@code herald subscribe}.
 */
class ServeJarIT {
  private static final String SECRET = "integration-test-secret-long-enough!";
  private HubProcess hubProcess;
  private Process hub;
  private String endpoint;
  private Path dataDir;

  @BeforeEach
  void startHub() throws Exception {
    dataDir = java.nio.file.Files.createTempDirectory("herald-it");
    hubProcess = HubProcess.serve("--listen", "127.0.0.1:0", "--anonymous", "--heartbeat", "1s",
        "--jwt-secret", SECRET, "--data-dir", dataDir.toString());
    hub = hubProcess.process;
    endpoint = hubProcess.endpoint;
  }

  @AfterEach
  void stopHub() throws Exception {
    hubProcess.close();
  }

  private static String java() {
    return HubProcess.java();
  }

  private static String jar() {
    return HubProcess.jar();
  }

  private static Process start(String... command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(false).start();
  }

  private static String output(Process process) throws Exception {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void publishedUpdatesReachCurlAndHeraldSubscribe() throws Exception {
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
    // Both subscribers ask for all history, so however late their JVM or curl connects, they see both.
    Process curl = start("curl", "-sN", "--max-time", "15", "-H", "Last-Event-ID: earliest",
        endpoint + "?topic=demo");
    Process subscriber = start(java(), "-jar", jar(), "subscribe", "--json", "--max-events", "2", "--timeout",
        "20s", "--last-event-id", "earliest", endpoint + "?topic=demo");

    Process cli = start(java(), "-jar", jar(), "publish", "--hub", endpoint, "--topic", "demo",
        "--data", "from herald", "--token", token);
    assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String cliId = output(cli).strip();
    Process byCurl = start("curl", "-s", "-d", "topic=demo", "-d", "data=from curl", "-H",
        "Authorization: Bearer " + token, endpoint);
    assertThat(byCurl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String curlId = output(byCurl).strip();

    assertThat(subscriber.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output(subscriber)).isEqualTo(
        "{\"type\":\"message\",\"data\":\"from herald\",\"lastEventId\":\"" + cliId + "\"}\n"
            + "{\"type\":\"message\",\"data\":\"from curl\",\"lastEventId\":\"" + curlId + "\"}\n");
    curl.waitFor(30, TimeUnit.SECONDS);
    assertThat(output(curl)).contains("id: " + cliId + "\ndata: from herald\n\n",
        "id: " + curlId + "\ndata: from curl\n\n");
  }

  @Test
  void stoppingTheHubEndsStreamsCleanly() throws Exception {
    Process curl = start("curl", "-sN", "--max-time", "30", endpoint + "?topic=demo");
    assertThat(new String(curl.getInputStream().readNBytes(2), java.nio.charset.StandardCharsets.UTF_8))
        .as("curl is connected: the stream's opening comment arrived").isEqualTo(": ");

    hub.destroy(); // SIGTERM

    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as("curl saw the end of the chunked body, not a cut").isZero();
    assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
