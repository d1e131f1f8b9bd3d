package dev.herald.hub;

import dev.herald.hub.auth.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verification of HMAC-signed Mercure tokens and reading of their {@code mercure} claim. */
class JwtVerifierTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef"; // 32 bytes
  private static final String LONG_SECRET = SECRET + SECRET; // 64 bytes, enough for HS512
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String BOOKS = "https://example.com/books/{id}";

  private static JwtVerifier verifierAt(Instant now) {
    return JwtVerifier.hmac(SECRET, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static final JwtVerifier VERIFIER = verifierAt(NOW);

  private static String sign(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  private static String sign(JWTClaimsSet claims) throws Exception {
    return sign(JWSAlgorithm.HS256, SECRET, claims);
  }

  private static String signPayload(String payloadJson) throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(payloadJson));
    jws.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jws.serialize();
  }

  /** A token with a hand-written header, HMAC-SHA256-signed with {@link #SECRET} whatever the header says. */
  private static String forge(String headerJson, String payloadJson) throws Exception {
    String signingInput = Base64URL.encode(headerJson) + "." + Base64URL.encode(payloadJson);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64URL.encode(signature);
  }

  private static JWTClaimsSet mercure(Object mercureClaim) {
    return new JWTClaimsSet.Builder().claim("mercure", mercureClaim).build();
  }

  private static AuthException refusal(String token) {
    return refusal(VERIFIER, token);
  }

  private static AuthException refusal(JwtVerifier verifier, String token) {
    AuthException refusal = catchThrowableOfType(AuthException.class, () -> verifier.verify(token));
    assertThat(refusal).as("refusal of %s", token).isNotNull();
    assertThat(refusal.code()).isEqualTo("invalid_token");
    return refusal;
  }

  private static List<String> texts(List<TopicSelector> selectors) {
    return selectors.stream().map(TopicSelector::toString).toList();
  }

  @Test
  void issuedTokenYieldsItsPublishAndSubscribeSelectors() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(BOOKS), List.of("*", "https://example.com/authors/1"),
        Duration.ofHours(1), NOW);

    Claims claims = VERIFIER.verify(token);

    assertThat(texts(claims.publish())).containsExactly(BOOKS);
    assertThat(texts(claims.subscribe())).containsExactly("*", "https://example.com/authors/1");
    assertThat(claims.publish().get(0).matches("https://example.com/books/1")).isTrue();
  }

  @Test
  void issuedTokenExpiresAfterItsTimeToLive() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(), Duration.ofHours(1), NOW);

    assertThat(VERIFIER.verify(token).expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void issuedTokenWithoutTimeToLiveNeverExpires() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(), null, NOW);

    Claims claims = verifierAt(NOW.plus(Duration.ofDays(36_500))).verify(token);

    assertThat(claims.expiresAt()).isNull();
  }

  @Test
  void payloadIsReturnedAsWritten() throws Exception {
    String token = sign(mercure(Map.of("subscribe", List.of("*"), "payload", Map.of("user", "alice"))));

    assertThat(VERIFIER.verify(token).payload()).isEqualTo(Map.of("user", "alice"));
  }

  @Test
  void tokenWithoutMercureClaimAllowsNothing() throws Exception {
    Claims claims = VERIFIER.verify(sign(new JWTClaimsSet.Builder().subject("alice").build()));

    assertThat(claims.publish()).isEmpty();
    assertThat(claims.subscribe()).isEmpty();
    assertThat(claims.payload()).isNull();
  }

  @Test
  void mercureClaimWithoutSelectorsAllowsNothing() throws Exception {
    Claims claims = VERIFIER.verify(sign(mercure(Map.of())));

    assertThat(claims.publish()).isEmpty();
    assertThat(claims.subscribe()).isEmpty();
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() throws Exception {
    String token = Tokens.hmac("another secret of at least 32 bytes!", List.of("*"), List.of("*"), null, NOW);

    assertThat(refusal(token)).hasMessageContaining("signature does not match");
  }

  @Test
  void tokenWithAlteredClaimsIsRefused() throws Exception {
    String[] parts = Tokens.hmac(SECRET, List.of(), List.of(), null, NOW).split("\\.");
    String altered = Base64URL.encode("{\"mercure\":{\"publish\":[\"*\"]}}").toString();

    assertThat(refusal(parts[0] + "." + altered + "." + parts[2])).hasMessageContaining("signature");
  }

  @Test
  void secretShorterThan32BytesIsRejectedAtConstruction() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertThatIllegalArgumentException().isThrownBy(() -> JwtVerifier.hmac(SECRET.substring(1), clock))
        .withMessageContaining("at least 32 bytes").withMessageContaining("31");
  }

  @Test
  void secretLengthIsCountedInUtf8Bytes() throws Exception {
    String sixteenAccents = "é".repeat(16); // 16 characters, 32 bytes
    JwtVerifier verifier = JwtVerifier.hmac(sixteenAccents, Clock.fixed(NOW, ZoneOffset.UTC));

    String token = Tokens.hmac(sixteenAccents, List.of("*"), List.of(), null, NOW);

    assertThat(texts(verifier.verify(token).publish())).containsExactly("*");
  }

  @Test
  void issuingWithAShortSecretIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tokens.hmac("short", List.of(), List.of(), null, NOW));
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(), Duration.ofHours(1), NOW);

    assertThat(refusal(verifierAt(NOW.plus(Duration.ofHours(2))), token))
        .hasMessageContaining("expired at 2030-01-01T01:00:00Z");
  }

  @Test
  void tokenIsExpiredAtItsExpiryInstant() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(), Duration.ofHours(1), NOW);

    assertThat(refusal(verifierAt(NOW.plus(Duration.ofHours(1))), token)).hasMessageContaining("expired");
  }

  @Test
  void tokenIsValidUntilJustBeforeItsExpiry() throws Exception {
    String token = Tokens.hmac(SECRET, List.of(), List.of(), Duration.ofHours(1), NOW);

    Claims claims = verifierAt(NOW.plus(Duration.ofHours(1)).minusMillis(1)).verify(token);

    assertThat(claims.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void tokenNotYetValidIsRefused() throws Exception {
    String token = sign(new JWTClaimsSet.Builder().notBeforeTime(Date.from(NOW.plusSeconds(60))).build());

    assertThat(refusal(token)).hasMessageContaining("not valid before 2030-01-01T00:01:00Z");
  }

  @Test
  void tokenIsValidFromItsNotBeforeInstant() throws Exception {
    String token = sign(new JWTClaimsSet.Builder().notBeforeTime(Date.from(NOW))
        .claim("mercure", Map.of("publish", List.of("*"))).build());

    assertThat(texts(VERIFIER.verify(token).publish())).containsExactly("*");
  }

  @Test
  void unsignedTokenIsRefused() {
    String token = new PlainJWT(mercure(Map.of("publish", List.of("*")))).serialize();

    assertThat(refusal(token)).hasMessageContaining("not a signed JWT");
  }

  @Test
  void tokenWithAnEmptySignatureIsRefused() throws Exception {
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), null, NOW);

    String unsigned = token.substring(0, token.lastIndexOf('.') + 1);

    assertThat(refusal(unsigned)).hasMessageContaining("not a signed JWT");
  }

  @Test
  void algNoneHeaderWithAValidHmacSignatureIsRefused() throws Exception {
    assertThat(refusal(forge("{\"alg\":\"none\"}", "{\"mercure\":{\"publish\":[\"*\"]}}")))
        .hasMessageContaining("not a signed JWT");
  }

  @Test
  void rs256LabelledTokenSignedWithTheSecretIsRefused() throws Exception {
    String token = forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "{\"mercure\":{\"publish\":[\"*\"]}}");

    assertThat(refusal(token)).hasMessageContaining("algorithm RS256 is not accepted");
  }

  @Test
  void unknownCriticalHeaderIsRefused() throws Exception {
    refusal(forge("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":0}", "{\"mercure\":{\"publish\":[\"*\"]}}"));
  }

  @Test
  void rsaSignedTokenIsRefused() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), mercure(Map.of("publish", List.of("*"))));
    jwt.sign(new RSASSASigner(key));

    assertThat(refusal(jwt.serialize())).hasMessageContaining("RS256");
  }

  @Test
  void hs384TokenIsAccepted() throws Exception {
    JwtVerifier verifier = JwtVerifier.hmac(LONG_SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
    String token = sign(JWSAlgorithm.HS384, LONG_SECRET, mercure(Map.of("subscribe", List.of(BOOKS))));

    assertThat(texts(verifier.verify(token).subscribe())).containsExactly(BOOKS);
  }

  @Test
  void hs512TokenIsAccepted() throws Exception {
    JwtVerifier verifier = JwtVerifier.hmac(LONG_SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
    String token = sign(JWSAlgorithm.HS512, LONG_SECRET, mercure(Map.of("publish", List.of(BOOKS))));

    assertThat(texts(verifier.verify(token).publish())).containsExactly(BOOKS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "token", "a.b", "a.b.c", "a.b.c.d", "a.b.c.d.e.f", "...", "eyJ.eyJ.sig",
      "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"})
  void malformedStringIsRefusedAsNotASignedJwt(String token) {
    assertThat(refusal(token)).hasMessage("the token is not a signed JWT");
  }

  @Test
  void signedPayloadThatIsNotJsonIsRefused() throws Exception {
    assertThat(refusal(signPayload("hello"))).hasMessageStartingWith("the token's claims are invalid: ");
  }

  @Test
  void registeredClaimOfTheWrongTypeIsRefused() throws Exception {
    refusal(signPayload("{\"exp\":\"tomorrow\",\"mercure\":{\"publish\":[\"*\"]}}"));
  }

  @Test
  void mercureClaimThatIsNotAnObjectIsRefused() throws Exception {
    assertThat(refusal(sign(mercure(List.of("*"))))).hasMessageContaining("mercure claim must be a JSON object");
    assertThat(refusal(sign(mercure("*")))).hasMessageContaining("mercure claim must be a JSON object");
  }

  @Test
  void publishThatIsNotAnArrayIsRefused() throws Exception {
    assertThat(refusal(sign(mercure(Map.of("publish", "*")))))
        .hasMessageContaining("mercure.publish must be an array");
  }

  @Test
  void publishHoldingANonStringIsRefused() throws Exception {
    assertThat(refusal(sign(mercure(Map.of("publish", List.of("*", 42))))))
        .hasMessageContaining("mercure.publish must hold strings");
  }

  @Test
  void subscribeThatIsNotAnArrayIsRefused() throws Exception {
    assertThat(refusal(sign(mercure(Map.of("subscribe", Map.of("topic", "*"))))))
        .hasMessageContaining("mercure.subscribe must be an array");
  }

  @Test
  void malformedSelectorIsRefusedWithTheReason() throws Exception {
    assertThat(refusal(sign(mercure(Map.of("subscribe", List.of("https://example.com/{id"))))))
        .hasMessageContaining("mercure.subscribe: malformed URI template")
        .hasMessageContaining("unclosed");
  }

  @Test
  void clockSkewAcceptsATokenThatJustExpired() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2026-11-22T12:00:00Z");
    java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
    String token = Tokens.hmac(SKEW_SECRET, List.of("*"), List.of(), java.time.Duration.ofSeconds(10),
        now.minusSeconds(13));
    JwtVerifier strict = JwtVerifier.hmac(SKEW_SECRET, clock);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.verify(token)).isInstanceOf(AuthException.class);
    assertThat(strict.withClockSkew(java.time.Duration.ofSeconds(5)).verify(token).publish()).hasSize(1);
  }

  @Test
  void clockSkewDoesNotAcceptATokenExpiredLongBefore() {
    java.time.Instant now = java.time.Instant.parse("2026-11-22T12:00:00Z");
    java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
    String token = Tokens.hmac(SKEW_SECRET, List.of("*"), List.of(), java.time.Duration.ofSeconds(10),
        now.minusSeconds(60));
    JwtVerifier lenient = JwtVerifier.hmac(SKEW_SECRET, clock).withClockSkew(java.time.Duration.ofSeconds(5));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> lenient.verify(token))
        .isInstanceOf(AuthException.class).hasMessageContaining("expired");
  }

  @Test
  void aTokenAcceptedBeforeIsRefusedOnceItHasExpired() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    JwtVerifier verifier = JwtVerifier.hmac(SECRET, clock);
    String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofSeconds(10), NOW);
    assertThat(verifier.verify(token).publish()).hasSize(1);
    assertThat(verifier.verify(token).publish()).as("accepted again (remembered)").hasSize(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(refusal(verifier, token).getMessage()).contains("expired");
  }

  @Test
  void aRefusedTokenIsRefusedAgain() throws Exception {
    String token = sign(JWSAlgorithm.HS256, "another-secret-of-at-least-32-bytes!!", mercure(java.util.Map.of()));
    refusal(token);
    refusal(token);
  }

  private static final String SKEW_SECRET = "skew-test-secret-that-is-long-enough!!";
}
