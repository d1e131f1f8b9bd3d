package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald bench} from the jar against {@code herald serve} from the jar. */
class BenchJarIT {
  private static final String SECRET = "integration-test-secret-long-enough!";
  private HubProcess hub;
  private Path dataDir;

  @BeforeEach
  void startHub() throws Exception {
    // -Dtest='*Bench*' also hands this class to Surefire, which runs before the jar is (re)packaged
    Path jar = Path.of(HubProcess.jar());
    Path classes = Path.of("target", "classes", "dev", "herald", "cli", "BenchCommand.class");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(jar)
            && Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(classes)) >= 0,
        "target/herald.jar is missing or older than the classes: runs in the integration-test phase");
    dataDir = Files.createTempDirectory("herald-bench-it");
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--anonymous", "--store", "memory",
        "--jwt-secret", SECRET, "--data-dir", dataDir.toString());
  }

  @AfterEach
  void stopHub() throws Exception {
    hub.close();
  }

  private JsonNode bench(String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(HubProcess.java(), "-jar", HubProcess.jar(), "bench",
        "--subscribe-url", hub.endpoint + "?topic=bench-{topic}", "--publish-url", hub.endpoint,
        "--jwt-secret", SECRET, "--server-pid", Long.toString(hub.process.pid())));
    command.addAll(List.of(options));
    Process bench = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    bench.getOutputStream().close();
    String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bench.waitFor(120, TimeUnit.SECONDS)).as("bench ended").isTrue();
    assertThat(bench.exitValue()).as("exit code; stdout: %s", out).isZero();
    assertThat(out.lines().count()).as("one JSON line: %s", out).isEqualTo(1);
    return new ObjectMapper().readTree(out);
  }

  private static void assertCleanRun(JsonNode report) {
    assertThat(report.get("connected").asLong()).isEqualTo(200);
    assertThat(report.get("publishErrors").asLong()).isZero();
    assertThat(report.get("published").asLong()).isPositive();
    assertThat(report.get("expected").asLong()).isEqualTo(report.get("published").asLong() * 100);
    assertThat(report.get("delivered").asLong()).isEqualTo(report.get("expected").asLong());
    assertThat(report.get("deliveryRatio").asDouble()).isEqualTo(1.0);
    assertThat(report.get("gaps").asLong()).isZero();
    assertThat(report.get("duplicates").asLong()).isZero();
    assertThat(report.get("connectionsWithGaps").asLong()).isZero();
    assertThat(report.get("connectionsWithDuplicates").asLong()).isZero();
    assertThat(report.get("disconnected").asLong()).isZero();
    JsonNode latency = report.get("latencyMicros");
    for (String field : new String[] {"p50", "p90", "p99", "p999", "max"}) {
      assertThat(latency.get(field).asLong()).as(field).isPositive();
    }
    JsonNode server = report.get("server");
    assertThat(server.get("cpuPercent").asDouble()).isPositive();
    assertThat(server.get("rssBytes").asLong()).isPositive();
    assertThat(server.has("rssPerConnectionBytes")).isTrue();
  }

  @Test
  void twoHundredSubscribersOnTwoTopicsGetEveryUpdateOnce() throws Exception {
    JsonNode report = bench("--subscribers", "200", "--topics", "2", "--rate", "200", "--duration", "3s",
        "--warmup", "1s", "--quiet");
    assertCleanRun(report);
    assertThat(report.get("processes").asInt()).isEqualTo(1);
  }

  @Test
  void streamPublishingDeliversEveryEventOfEveryStreamOnce() throws Exception {
    JsonNode report = bench("--subscribers", "200", "--topics", "2", "--rate", "200", "--duration", "3s",
        "--warmup", "1s", "--stream-publish", "--quiet");
    assertCleanRun(report);
  }

  @Test
  void childProcessesAndSourceAddressesGiveTheSameResult() throws Exception {
    JsonNode report = bench("--subscribers", "200", "--topics", "2", "--rate", "200", "--duration", "3s",
        "--warmup", "1s", "--processes", "2", "--source-addresses", "3");
    assertCleanRun(report);
    assertThat(report.get("processes").asInt()).isEqualTo(2);
  }

  @Test
  void reconnectStormsOnTheSqliteStoreGiveEverySubscriberExactlyWhatItMissed() throws Exception {
    hub.close();
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--anonymous", "--store", "sqlite",
        "--jwt-secret", SECRET, "--data-dir", dataDir.toString());
    JsonNode report = bench("--subscribers", "200", "--topics", "2", "--rate", "200", "--reconnect-storm",
        "--updates-before", "20", "--updates-missed", "30", "--storms", "2", "--drain", "30s", "--quiet");
    assertThat(report.get("scenario").asText()).isEqualTo("reconnect-storm");
    assertThat(report.get("connected").asLong()).isEqualTo(200);
    assertThat(report.get("publishErrors").asLong()).isZero();
    assertThat(report.get("acknowledged").asLong()).isEqualTo(20 + 2 * 30);
    assertThat(report.get("gapsBefore").asLong()).isZero();
    assertThat(report.get("exactEveryTime").asBoolean()).isTrue();
    assertThat(report.get("storms")).hasSize(2);
    for (JsonNode storm : report.get("storms")) {
      assertThat(storm.get("reconnected").asLong()).isEqualTo(200);
      assertThat(storm.get("exact").asLong()).isEqualTo(200);
      assertThat(storm.get("unexpectedEvents").asLong()).isZero();
      assertThat(storm.get("recoveryMicros").get("count").asLong()).isEqualTo(200);
      assertThat(storm.get("recoveryMicros").get("p99").asLong()).isPositive();
      assertThat(storm.get("allRecoveredMicros").asLong()).isPositive();
      assertThat(storm.has("serverCpuPercent")).isTrue();
    }
  }
}
