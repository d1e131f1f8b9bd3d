package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Tokens are compact HS256 JWS with Mercure claims that javax.crypto verifies, and short secrets are refused. */
class HubTokensTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private static long claim(String payload, String name) {
    Matcher matcher = Pattern.compile("\"" + name + "\":(\\d+)").matcher(payload);
    assertThat(matcher.find()).as(payload).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  @Test
  void subscriberTokenIsAnHs256JwsWithTheSubscribeClaimAndAnExpiry() throws Exception {
    long before = Instant.now().getEpochSecond();
    String token = HubTokens.subscriber(SECRET, List.of("https://example.com/users/42", "*"), Duration.ofHours(1));
    long after = Instant.now().getEpochSecond();

    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(token).doesNotContain("=").doesNotContain("+").doesNotContain("/");
    assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String payload = decode(parts[1]);
    assertThat(payload).startsWith("{\"mercure\":{\"subscribe\":[\"https://example.com/users/42\",\"*\"]}");
    assertThat(claim(payload, "exp") - claim(payload, "iat")).isEqualTo(3600);
    assertThat(claim(payload, "iat")).isBetween(before, after);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(expected);
  }

  @Test
  void publisherTokenCarriesThePublishClaim() {
    String token = HubTokens.publisher(SECRET, List.of("*"), Duration.ofMinutes(5));

    assertThat(decode(token.split("\\.")[1])).startsWith("{\"mercure\":{\"publish\":[\"*\"]},");
  }

  @Test
  void publisherMintsItsOwnTokenAndReusesItUntilCloseToExpiry() {
    var tokens = PublisherTokens.minting(SECRET, List.of("a", "b"));
    String first = tokens.get();

    assertThat(tokens.get()).isSameAs(first);
    String payload = decode(first.split("\\.")[1]);
    assertThat(payload).startsWith("{\"mercure\":{\"publish\":[\"a\",\"b\"]},");
    assertThat(claim(payload, "exp") - claim(payload, "iat")).isEqualTo(PublisherTokens.TTL.getSeconds());
  }

  @Test
  void secretsShorterThan32BytesAreRefusedLikeTheHubRefusesThem() {
    assertThatThrownBy(() -> HubTokens.subscriber("31-bytes-secret-xxxxxxxxxxxxxxx", List.of("*"), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> HubPublisher.builder(java.net.URI.create("http://h/")).jwtSecret("short"))
        .isInstanceOf(IllegalArgumentException.class);
    // 11 three-byte characters: 33 bytes, enough, though only 11 chars
    assertThat(HubTokens.subscriber("€".repeat(11), List.of("*"), Duration.ofHours(1))).isNotEmpty();
  }

  @Test
  void ttlMustBePositive() {
    assertThatThrownBy(() -> HubTokens.subscriber(SECRET, List.of("*"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void claimStringsAreEscapedIntoValidJson() {
    StringBuilder out = new StringBuilder();
    Json.string(out, "q\"b\\n\n\u0001\u001f\u007f t\t \ud83d\ude00 lone\ud800 end\udc00");

    assertThat(out).hasToString(
        "\"q\\\"b\\\\n\\n\\u0001\\u001f\\u007f t\\t \ud83d\ude00 lone\\ud800 end\\udc00\"");
  }

  @Test
  void aHighSurrogateAtTheEndIsEscaped() {
    assertThat(Json.string(new StringBuilder(), "x\ud83d")).hasToString("\"x\\ud83d\"");
  }
}
