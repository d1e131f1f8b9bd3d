package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code herald bench} refuses bad options with exit code 2 before connecting anywhere. */
class BenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int bench(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), java.util.Map.of(), all);
  }

  @Test
  void refusesANonLoopbackSubscribeUrl() {
    assertThat(bench("--subscribe-url", "http://192.0.2.1:8080/.well-known/mercure?topic=bench-{topic}",
        "--publish-url", "http://127.0.0.1:8080/.well-known/mercure", "--token", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("loopback");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void refusesANonLoopbackPublishUrl() {
    assertThat(bench("--subscribe-url", "http://localhost:8080/sub?id={topic}",
        "--publish-url", "http://192.0.2.1/pub?id={topic}", "--publish-format", "raw")).isEqualTo(2);
    assertThat(err.toString()).contains("--publish-url", "loopback");
  }

  @Test
  void refusesMoreSubscribersThanOneProcessCanOpen() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s", "--publish-url", "http://127.0.0.1:1/p",
        "--publish-format", "raw", "--subscribers", "40000")).isEqualTo(2);
    assertThat(err.toString()).contains("--processes 3", "--max-subscribers 19000");
  }

  @Test
  void streamPublishingNeedsAMercureHub() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/sub?id={topic}", "--publish-url", "http://127.0.0.1:1/pub",
        "--publish-format", "raw", "--stream-publish")).isEqualTo(2);
    assertThat(err.toString()).contains("--stream-publish needs --publish-format mercure");
  }

  @Test
  void mercurePublishingNeedsAToken() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s", "--publish-url", "http://127.0.0.1:1/p"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--token or --jwt-secret");
  }

  @Test
  void nothingListeningMeansExitOneWithTheJsonAnyway() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s?topic={topic}", "--publish-url",
        "http://127.0.0.1:1/p", "--publish-format", "raw", "--subscribers", "3", "--quiet",
        "--connect-timeout", "5s")).isEqualTo(1);
    assertThat(out.toString()).startsWith("{\"subscribers\":3,\"connected\":0,").contains("\"connect: ");
  }

  @Test
  void aReconnectStormRunsInOneProcess() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s", "--publish-url", "http://127.0.0.1:1/p",
        "--publish-format", "raw", "--subscribers", "10", "--processes", "2", "--reconnect-storm")).isEqualTo(2);
    assertThat(err.toString()).contains("--reconnect-storm runs in one process");
  }

  @Test
  void aReconnectStormMissesAtLeastOneUpdate() {
    assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s", "--publish-url", "http://127.0.0.1:1/p",
        "--publish-format", "raw", "--reconnect-storm", "--updates-missed", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--updates-missed must be between 1 and 1000000");
  }

  @Test
  void stormsAreBetweenOneAndAHundred() {
    for (String storms : new String[] {"0", "101"}) {
      assertThat(bench("--subscribe-url", "http://127.0.0.1:1/s", "--publish-url", "http://127.0.0.1:1/p",
          "--publish-format", "raw", "--reconnect-storm", "--storms", storms)).as("--storms %s", storms).isEqualTo(2);
    }
    assertThat(err.toString()).contains("--storms must be between 1 and 100");
  }
}
