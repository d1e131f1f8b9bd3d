package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald token} and {@code herald publish} in process; settings from flags, environment, file. */
class TokenAndPublishCommandTest {
  private static final String SECRET = "cli-test-secret-that-is-long-enough!";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int herald(Map<String, String> environment, String... args) {
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
  }

  /** The token's claims, once its HS256 signature checks with {@code secret}. */
  private static JWTClaimsSet verify(String token, String secret) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token.strip());
    assertThat(jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)))).as("signature").isTrue();
    return jwt.getJWTClaimsSet();
  }

  private static Object mercure(JWTClaimsSet claims, String name) {
    return ((Map<?, ?>) claims.getClaim("mercure")).get(name);
  }

  @Test
  void tokenCarriesTheSelectorsAndExpires() throws Exception {
    assertThat(herald(Map.of(), "token", "--jwt-secret", SECRET, "--publish", "a", "b", "--subscribe",
        "https://example.com/{id}", "--ttl", "5m")).isZero();

    JWTClaimsSet claims = verify(out.toString(), SECRET);
    assertThat(mercure(claims, "publish")).isEqualTo(List.of("a", "b"));
    assertThat(mercure(claims, "subscribe")).isEqualTo(List.of("https://example.com/{id}"));
    assertThat(claims.getExpirationTime()).isNotNull();
  }

  @Test
  void noExpiryTokenHasNoExp() throws Exception {
    herald(Map.of(), "token", "--jwt-secret", SECRET, "--publish", "*", "--no-expiry");
    assertThat(verify(out.toString(), SECRET).getExpirationTime()).isNull();
  }

  @Test
  void secretComesFromTheEnvironmentWhenNotOnTheCommandLine() throws Exception {
    assertThat(herald(Map.of("HERALD_JWT_SECRET", SECRET), "token", "--publish", "*")).isZero();
    verify(out.toString(), SECRET);
  }

  @Test
  void commandLineBeatsEnvironmentWhichBeatsTheConfigFile(@TempDir Path dir) throws Exception {
    String fileSecret = "secret-from-the-config-file-long-enough";
    String envSecret = "secret-from-the-environment-long-enough";
    Path config = Files.writeString(dir.resolve("herald.properties"), "jwt-secret=" + fileSecret + "\n");

    herald(Map.of(), "token", "--config", config.toString(), "--publish", "*");
    verify(out.toString(), fileSecret);
    out.getBuffer().setLength(0);

    herald(Map.of("HERALD_JWT_SECRET", envSecret, "HERALD_CONFIG", config.toString()), "token", "--publish", "*");
    verify(out.toString(), envSecret);
    out.getBuffer().setLength(0);

    herald(Map.of("HERALD_JWT_SECRET", envSecret), "token", "--config", config.toString(), "--jwt-secret",
        SECRET, "--publish", "*");
    verify(out.toString(), SECRET);
  }

  @Test
  void unreadableConfigFileIsAUsageError() {
    assertThat(herald(Map.of(), "token", "--config", "/no/such/file", "--publish", "*")).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read the config file /no/such/file");
  }

  @Test
  void aJwksUrlThatIsNotHttpIsAUsageError() {
    assertThat(herald(Map.of(), "serve", "--jwt-jwks-url", "ftp://issuer.example/jwks.json")).isEqualTo(2);
    assertThat(err.toString()).contains("--jwt-jwks-url").contains("must be an http or https URL");
  }

  @Test
  void aJwksUrlFromTheEnvironmentIsCheckedToo() {
    assertThat(herald(Map.of("HERALD_SUBSCRIBER_JWT_JWKS_URL", "not a url"), "serve")).isEqualTo(2);
    assertThat(err.toString()).contains("--subscriber-jwt-jwks-url").contains("not a URL");
    assertThat(herald(Map.of("HERALD_PUBLISHER_JWT_JWKS_URL", "/relative/jwks.json"), "serve")).isEqualTo(2);
    assertThat(err.toString()).contains("--publisher-jwt-jwks-url").contains("http or https");
  }

  @Test
  void shortSecretIsRefused() {
    assertThat(herald(Map.of(), "token", "--jwt-secret", "short", "--publish", "*")).isEqualTo(2);
    assertThat(err.toString()).contains("at least 32 bytes");
  }

  @Test
  void publishPrintsTheIdAndTheSubscriberGetsTheUpdate() throws Exception {
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET)
        .anonymous(true).start()) {
      String endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      try (EventIterator events = EventSource.builder(URI.create(endpoint + "?topic=news")).iterator()) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (events.readyState() != ReadyState.OPEN) {
          assertThat(System.nanoTime()).as("the subscription opens in time").isLessThan(deadline);
          Thread.sleep(5);
        }
        int code = herald(Map.of(), "publish", "--hub", endpoint, "--topic", "news", "--data", "extra!",
            "--type", "flash", "--jwt-secret", SECRET);

        assertThat(code).as(err.toString()).isZero();
        String id = out.toString().strip();
        assertThat(events.next()).isEqualTo(new dev.herald.sse.SseEvent(id, "flash", "extra!", null, null));
      }
    }
  }

  @Test
  void refusedPublishExitsOneWithTheHubsReason() throws Exception {
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).start()) {
      String endpoint = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      int code = herald(Map.of(), "publish", "--hub", endpoint, "--topic", "news", "--data", "x",
          "--jwt-secret", "a-different-secret-that-is-long-enough");
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).contains("HTTP 401", "invalid_token");
    }
  }

  @Test
  void publishWithoutCredentialsIsAUsageError() {
    assertThat(herald(Map.of(), "publish", "--topic", "t", "--data", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("--token or --jwt-secret");
  }

  @Test
  void publishToAHubNobodyListensOnSaysConnectionRefused() throws Exception {
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port + Hub.PATH;

    int code = herald(Map.of(), "publish", "--hub", endpoint, "--topic", "news", "--data", "x", "--jwt-secret", SECRET);

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("herald: cannot connect to " + endpoint + ": connection refused");
  }

  @Test
  void publishToAnUnknownHostSaysSo() {
    int code = herald(Map.of(), "publish", "--hub", "http://no-such-host.invalid/.well-known/mercure", "--topic", "t",
        "--data", "x", "--jwt-secret", SECRET);

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("cannot connect to http://no-such-host.invalid/.well-known/mercure:")
        .doesNotContain("Exception");
  }

  @Test
  void publishToANonHttpHubIsAUsageError() {
    assertThat(herald(Map.of(), "publish", "--hub", "ftp://example.com/hub", "--topic", "t", "--data", "x",
        "--jwt-secret", SECRET)).isEqualTo(2);
    assertThat(err.toString()).contains("--hub must be an http or https URL");
  }
}
