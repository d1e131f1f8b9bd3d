package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unknown settings names are errors with a "did you mean": in the config file and among
 * {@code HERALD_*} variables, checked in process through {@code herald token} (which, unlike
 * {@code serve}, returns when it works).
 */
class SettingsTest {
  private static final String SECRET = "settings-test-secret-that-is-long-enough";
  private static final Set<String> OPTIONS = Set.of("jwt-secret", "listen", "cors-origin", "anonymous");
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int herald(Map<String, String> environment, String... args) {
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
  }

  private static Properties file(String key, String value) {
    Properties properties = new Properties();
    properties.setProperty(key, value);
    return properties;
  }

  @Test
  void closestNameTreatsUnderscoreAndDashAlikeAndIgnoresCase() {
    assertThat(ClosestName.of("jwt_secret", OPTIONS)).isEqualTo("jwt-secret");
    assertThat(ClosestName.of("JWT-SECRET", OPTIONS)).isEqualTo("jwt-secret");
    assertThat(ClosestName.distance("jwt-secret", "jwt-secret")).isZero();
  }

  @Test
  void closestNameCountsASwapOfNeighboursAsOneEdit() {
    assertThat(ClosestName.distance("jwt-sercet", "jwt-secret")).isEqualTo(1);
    assertThat(ClosestName.of("lisetn", OPTIONS)).isEqualTo("listen");
    assertThat(ClosestName.of("HERALD_JWT_SECRT", Set.of("HERALD_JWT_SECRET", "HERALD_LISTEN")))
        .isEqualTo("HERALD_JWT_SECRET");
  }

  @Test
  void unknownConfigKeyIsNamedWithTheClosestOption() {
    Settings settings = new Settings(Map.of(), file("jwt_secret", SECRET));

    assertThat(settings.unknownNames(OPTIONS)).singleElement().asString()
        .contains("unknown key 'jwt_secret'", "did you mean 'jwt-secret'?");
  }

  @Test
  void unknownHeraldVariableIsNamedWithTheClosestVariable() {
    Settings settings = new Settings(Map.of("HERALD_JWT_SECRT", SECRET, "PATH", "/bin"), new Properties());

    assertThat(settings.unknownNames(OPTIONS)).singleElement().asString()
        .contains("unknown environment variable HERALD_JWT_SECRT", "did you mean HERALD_JWT_SECRET?");
  }

  @Test
  void documentedNonOptionVariablesAndKnownNamesAreAccepted() {
    Settings settings = new Settings(Map.of("HERALD_JAVA_OPTS", "-Xmx1g", "HERALD_CONFIG", "x",
        "HERALD_REQUIRE_BROWSER", "1", "HERALD_CORS_ORIGIN", "https://a.example", "OTHER_SECRT", "y"),
        file("listen", ":8080"));

    assertThat(settings.unknownNames(OPTIONS)).isEmpty();
  }

  @Test
  void configFileTypoIsAUsageErrorNamingTheKeyAndTheClosestOne(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("herald.properties"), "jwt_secret=" + SECRET + "\n");

    int code = herald(Map.of("HERALD_JWT_SECRET", SECRET), "token", "--config", config.toString(), "--publish", "*");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("unknown key 'jwt_secret' in the config file " + config,
        "did you mean 'jwt-secret'?");
  }

  @Test
  void misspelledVariableIsAUsageErrorNamingTheClosestOne() {
    int code = herald(Map.of("HERALD_JWT_SECRT", SECRET), "token", "--jwt-secret", SECRET, "--publish", "*");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("unknown environment variable HERALD_JWT_SECRT",
        "did you mean HERALD_JWT_SECRET?");
  }

  @Test
  void aKeyOfAnotherCommandIsNotATypo(@TempDir Path dir) throws Exception {
    // One file may configure serve and token: token must accept serve's listen=.
    Path config = Files.writeString(dir.resolve("herald.properties"), "jwt-secret=" + SECRET + "\nlisten=:9000\n");

    assertThat(herald(Map.of("HERALD_STORE", "memory"), "token", "--config", config.toString(), "--publish", "*"))
        .as(err.toString()).isZero();
  }

  @Test
  void helpIsShownWhateverTheEnvironmentHolds() {
    assertThat(herald(Map.of("HERALD_JWT_SECRT", SECRET), "token", "--help")).isZero();
  }

  private static String valueOf(Settings settings, String option) throws Exception {
    return settings.defaultValue(picocli.CommandLine.Model.OptionSpec.builder(option).build());
  }

  private static final String PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";

  @Test
  void mercureKeyWithoutAnAlgorithmIsAnHmacSecretAsInMercure() throws Exception {
    Settings settings = new Settings(Map.of("MERCURE_PUBLISHER_JWT_KEY", SECRET), new Properties());

    assertThat(valueOf(settings, "--publisher-jwt-secret")).isEqualTo(SECRET);
    assertThat(valueOf(settings, "--publisher-jwt-key")).isNull();
    assertThat(valueOf(settings, "--subscriber-jwt-secret")).isNull();
  }

  @Test
  void mercureRsaPssOrEcAlgorithmMakesTheKeyPemText() throws Exception {
    for (String alg : new String[] {"RS256", "PS384", "ES256", "es512"}) {
      Settings settings = new Settings(Map.of("MERCURE_SUBSCRIBER_JWT_KEY", PEM, "MERCURE_SUBSCRIBER_JWT_ALG", alg,
          "MERCURE_PUBLISHER_JWT_KEY", SECRET, "MERCURE_PUBLISHER_JWT_ALG", "HS512"), new Properties());

      assertThat(valueOf(settings, "--subscriber-jwt-key")).as(alg).isEqualTo(PEM);
      assertThat(valueOf(settings, "--subscriber-jwt-secret")).as(alg).isNull();
      assertThat(valueOf(settings, "--publisher-jwt-secret")).as(alg).isEqualTo(SECRET);
    }
  }

  @Test
  void heraldVariablesWinOverMercureOnesRoleByRole() throws Exception {
    String heraldSecret = "herald-secret-that-is-long-enough-too";
    Settings settings = new Settings(Map.of("HERALD_PUBLISHER_JWT_SECRET", heraldSecret,
        "MERCURE_PUBLISHER_JWT_KEY", PEM, "MERCURE_PUBLISHER_JWT_ALG", "RS256",
        "MERCURE_SUBSCRIBER_JWT_KEY", SECRET), new Properties());

    assertThat(valueOf(settings, "--publisher-jwt-secret")).isEqualTo(heraldSecret);
    assertThat(valueOf(settings, "--publisher-jwt-key")).isNull();
    assertThat(valueOf(settings, "--subscriber-jwt-secret")).isEqualTo(SECRET);

    Settings general = new Settings(Map.of("HERALD_JWT_SECRET", heraldSecret, "MERCURE_PUBLISHER_JWT_KEY", SECRET),
        new Properties());
    assertThat(valueOf(general, "--publisher-jwt-secret")).isNull();
  }

  @Test
  void mercureVariablesBeatTheConfigFile() throws Exception {
    Settings settings = new Settings(Map.of("MERCURE_PUBLISHER_JWT_KEY", SECRET),
        file("publisher-jwt-secret", "from-the-file-that-is-long-enough-too"));

    assertThat(valueOf(settings, "--publisher-jwt-secret")).isEqualTo(SECRET);
  }

  @Test
  void unknownMercureAlgorithmIsAUsageErrorListingTheKnownOnes() {
    int code = herald(Map.of("MERCURE_PUBLISHER_JWT_KEY", SECRET, "MERCURE_PUBLISHER_JWT_ALG", "HS257"), "serve");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown MERCURE_PUBLISHER_JWT_ALG 'HS257'", "HS256", "RS256", "ES256");
  }

  @Test
  void mercureAlgorithmWithoutItsKeyIsAUsageError() {
    assertThat(herald(Map.of("MERCURE_SUBSCRIBER_JWT_ALG", "RS256"), "serve")).isEqualTo(2);
    assertThat(err.toString()).contains("MERCURE_SUBSCRIBER_JWT_ALG is set but MERCURE_SUBSCRIBER_JWT_KEY is not");
  }

  @Test
  void serveTakesAMercurePemKeyAsTextNotAsAFileName() {
    int code = herald(Map.of("MERCURE_PUBLISHER_JWT_KEY", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----",
        "MERCURE_PUBLISHER_JWT_ALG", "RS256", "MERCURE_SUBSCRIBER_JWT_KEY", SECRET), "serve", "--store", "memory",
        "--listen", "127.0.0.1:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("cannot read the key file").contains("unreadable public key");
  }

  @Test
  void aKeyThatIsNotPemTextIsStillAFileName() {
    int code = herald(Map.of(), "serve", "--publisher-jwt-key", "/no/such/key.pem", "--subscriber-jwt-secret", SECRET,
        "--store", "memory", "--listen", "127.0.0.1:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read the key file /no/such/key.pem");
  }

  @Test
  void aSecretTypedOnTheCommandLineBeatsAMercureKeyForItsRole() {
    // The Mercure key is unreadable: were it used, serve would say so. It stops at the TLS file instead.
    int code = herald(Map.of("MERCURE_PUBLISHER_JWT_KEY", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----",
        "MERCURE_PUBLISHER_JWT_ALG", "RS256"), "serve", "--jwt-secret", SECRET, "--store", "memory",
        "--listen", "127.0.0.1:0", "--tls-cert", "/no/such/cert.pem", "--tls-key", "/no/such/key.pem");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("public key").contains("/no/such/");
  }
}
