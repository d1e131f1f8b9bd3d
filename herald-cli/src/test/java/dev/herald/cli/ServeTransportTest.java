package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code herald serve --transport}: auto by default, a name from the command line, a variable or the config file. */
class ServeTransportTest {
  private static String parsed(Map<String, String> environment, Properties file, String... args) {
    return ServeByteSizesTest.parsed(environment, file, args).findOption("--transport").getValue();
  }

  @Test
  void theDefaultIsAuto() {
    assertThat(parsed(Map.of(), new Properties())).isEqualTo("auto");
  }

  @Test
  void theTransportComesFromTheCommandLineTheEnvironmentOrTheConfigFile() {
    Properties file = new Properties();
    file.setProperty("transport", "nio");
    assertThat(parsed(Map.of(), file)).isEqualTo("nio");
    assertThat(parsed(Map.of("HERALD_TRANSPORT", "io_uring"), file)).isEqualTo("io_uring");
    assertThat(parsed(Map.of("HERALD_TRANSPORT", "io_uring"), file, "--transport", "epoll")).isEqualTo("epoll");
  }

  @Test
  void anUnknownTransportIsBadUsageThatListsTheKnownOnes() {
    StringWriter err = new StringWriter();
    int exit = Herald.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), Map.of(),
        "serve", "--listen", "127.0.0.1:0", "--store", "memory", "--transport", "kqueue");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("unknown transport 'kqueue': auto, epoll, io_uring or nio");
  }

  @Test
  void configCheckReportsAnUnknownTransport() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(),
        "config", "check", "--listen", "127.0.0.1:0", "--store", "memory", "--transport", "kqueue");
    assertThat(exit).isEqualTo(2);
    assertThat(out + "" + err).contains("unknown transport 'kqueue': auto, epoll, io_uring or nio");
  }
}
