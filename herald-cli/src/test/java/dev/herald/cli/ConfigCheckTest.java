package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald config check} validates what {@code herald serve} would run with, from flags,
 * environment and file, against real files, sockets and directories, and reports every problem.
 */
class ConfigCheckTest {
  private static final String SECRET = "config-check-test-secret-that-is-long-enough";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Map<String, String> environment = new HashMap<>();
  @TempDir
  Path dir;

  /** {@code herald config check} with {@code args}, on a free port and a fresh data directory unless they say. */
  private int check(String... args) {
    List<String> all = new ArrayList<>(List.of("config", "check"));
    all.addAll(List.of(args));
    if (!all.contains("--listen")) {
      all.addAll(List.of("--listen", "127.0.0.1:0"));
    }
    if (!all.contains("--data-dir")) {
      all.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    }
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, all.toArray(String[]::new));
  }

  private Path config(String text) throws Exception {
    return Files.writeString(dir.resolve("herald.properties"), text);
  }

  private String output() {
    return out.toString();
  }

  @Test
  void aGoodConfigurationPrintsEachOptionWithItsOriginAndExitsZero() throws Exception {
    environment.put("HERALD_HEARTBEAT", "5s");
    Path config = config("jwt-secret=" + SECRET + "\nmax-topics=10\n");

    assertThat(check("--config", config.toString(), "--cors-origin", "https://a.example"))
        .as(output() + err).isZero();

    assertThat(output()).containsPattern("listen +127.0.0.1:0 +flag")
        .containsPattern("cors-origin +https://a.example +flag")
        .containsPattern("heartbeat +5s +env HERALD_HEARTBEAT")
        .containsPattern("max-topics +10 +file " + config)
        .containsPattern("jwt-secret +\\*\\*\\* \\(" + SECRET.length() + " characters\\) +file")
        .containsPattern("retain-age +" + ServeDefaults.VALUES.get("--retain-age") + " +default")
        .contains("No problems found.")
        .doesNotContain(SECRET);
    assertThat(Files.exists(dir.resolve("data"))).as("nothing is created").isFalse();
  }

  @Test
  void developmentModeIsNotedButIsNoProblem() {
    assertThat(check()).as(output()).isZero();
    assertThat(output()).contains("development mode", "No problems found.");
  }

  @Test
  void unknownFileKeyIsAProblemWithTheClosestName() throws Exception {
    Path config = config("jwt_secret=" + SECRET + "\n");

    assertThat(check("--config", config.toString())).isEqualTo(2);
    assertThat(output()).contains("1 problem:", "unknown key 'jwt_secret'", "did you mean 'jwt-secret'?");
  }

  @Test
  void unknownFlagIsAProblemWithTheClosestOption() {
    assertThat(check("--jwt-secret", SECRET, "--hearbeat", "5s")).isEqualTo(2);
    assertThat(output()).contains("Unknown options: '--hearbeat', '5s'; did you mean --heartbeat?");
  }

  @Test
  void everyBadValueIsReportedFromFlagsEnvironmentAndFile() throws Exception {
    environment.put("HERALD_RETAIN_AGE", "forever");
    Path config = config("jwt-secret=" + SECRET + "\nmax-topics=0\nlog-format=xml\n");

    assertThat(check("--config", config.toString(), "--heartbeat", "soon")).isEqualTo(2);

    assertThat(output()).contains("4 problems:", "--heartbeat", "'soon'", "--retain-age", "'forever'",
        "--max-topics must be at least 1", "--log-format must be text or json (got 'xml')");
  }

  @Test
  void unreadableKeyAndCertificateFilesAreProblems() {
    assertThat(check("--jwt-key", dir.resolve("missing.pem").toString(),
        "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString()))
        .isEqualTo(2);

    assertThat(output()).contains("cannot read the key file " + dir.resolve("missing.pem"), "cert.pem");
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedIsAProblem() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    assertThat(check("--jwt-secret", SECRET, "--data-dir", file.resolve("data").toString())).isEqualTo(2);
    assertThat(output()).contains("--data-dir " + file.resolve("data") + " cannot be created: " + file
        + " is not a directory");
  }

  @Test
  void aDataDirectoryThatIsAFileIsAProblem() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    assertThat(check("--jwt-secret", SECRET, "--data-dir", file.toString())).isEqualTo(2);
    assertThat(output()).contains("--data-dir " + file + " is not a directory");
  }

  @Test
  void aPortInUseIsAProblem() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      assertThat(check("--jwt-secret", SECRET, "--listen", address)).isEqualTo(2);
      assertThat(output()).contains("cannot listen on " + address);
    }
  }

  @Test
  void anUnreachableRedisIsAProblemAndItsPasswordIsMasked() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      closed = socket.getLocalPort();
    }
    String store = "redis://herald:hunter2-password@127.0.0.1:" + closed;

    assertThat(check("--jwt-secret", SECRET, "--store", store)).isEqualTo(2);

    assertThat(output()).contains("cannot reach Redis at 127.0.0.1:" + closed + ": connection refused",
        "redis://herald:***@127.0.0.1:" + closed).doesNotContain("hunter2");
  }

  @Test
  void mercureVariablesAreShownAsTheirOriginAndMasked() {
    environment.put("MERCURE_PUBLISHER_JWT_KEY", SECRET);
    environment.put("MERCURE_SUBSCRIBER_JWT_KEY", SECRET);

    assertThat(check()).as(output()).isZero();
    assertThat(output()).containsPattern("publisher-jwt-secret +\\*\\*\\* .* +env MERCURE_PUBLISHER_JWT_KEY")
        .doesNotContain(SECRET);
  }

  @Test
  void serveReportsEveryBadValueToo() throws Exception {
    Path config = config("jwt-secret=" + SECRET + "\nmax-topics=0\nmax-selector-length=0\n");

    int code = Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(),
        "serve", "--config", config.toString(), "--listen", "127.0.0.1:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("herald: --max-topics must be at least 1",
        "herald: --max-selector-length must be at least 1");
  }

  @Test
  void aSourceWithoutItsConnectorIsAProblemNamingTheInstalledOnes() {
    assertThat(check("--jwt-secret", SECRET, "--source", "nosuch://user:pw@host/x")).isEqualTo(2);
    assertThat(output() + err).contains("no source connector for 'nosuch://' in nosuch://user:***@host/x")
        .doesNotContain("pw@");
  }

  @Test
  void sourceUrisAreShownWithoutTheirPasswords() throws Exception {
    Path config = config("jwt-secret=" + SECRET + "\nsource=nosuch://a:secret1@h1/x nosuch://b:secret2@h2/y?token=t\n");
    check("--config", config.toString());
    assertThat(output()).contains("nosuch://a:***@h1/x nosuch://b:***@h2/y?token=***")
        .doesNotContain("secret1").doesNotContain("secret2");
    assertThat(output() + err).contains("no source connector for 'nosuch://'");
  }
}
