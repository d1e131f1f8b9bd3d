package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JwtVerifier#jwks}: keys chosen by kid and type from a real JWKS endpoint on a loopback port,
 * cached, refetched for unknown kids at most once per window, kept through an outage for a bounded
 * time. The clock is moved by hand: no test sleeps through a time to live.
 */
class JwksTest {
  private static RSAKey rsa1;
  private static RSAKey rsa2;
  private static RSAKey stranger;
  private static ECKey ec256;

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private JwksServer server;

  @BeforeAll
  static void keys() throws Exception {
    rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
    ec256 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  @BeforeEach
  void start() throws Exception {
    server = new JwksServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JwtVerifier verifier() {
    return JwtVerifier.jwks(server.uri(), clock);
  }

  private JwtVerifier verifier(JwksPolicy policy) {
    return JwtVerifier.jwks(server.uri(), policy, clock);
  }

  private String token(JWK key, JWSAlgorithm algorithm) {
    return JwksServer.token(key, algorithm, clock.instant());
  }

  private static String refusal(JwtVerifier verifier, String token) {
    try {
      verifier.verify(token);
    } catch (AuthException refused) {
      assertThat(refused.code()).isEqualTo("invalid_token");
      assertThat(refused.getMessage()).doesNotContain(token);
      return refused.getMessage();
    }
    throw new AssertionError("the token was accepted");
  }

  @Test
  void tokensSignedByJwksKeysAreAcceptedAndTheSetIsFetchedOnce() throws Exception {
    server.serve(rsa1, ec256);
    JwtVerifier verifier = verifier();
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS256)).publish()).hasSize(1);
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.PS384)).subscribe()).hasSize(1);
    assertThat(verifier.verify(token(ec256, JWSAlgorithm.ES256)).publish()).hasSize(1);
    clock.advance(Duration.ofMinutes(4));
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS512)).publish()).hasSize(1);
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void aCachedKeyVerifiesWithoutWaiting() {
    server.serve(rsa1);
    JwtVerifier verifier = verifier();
    verifier.verifyAsync(token(rsa1, JWSAlgorithm.RS256)).join();
    assertThat(verifier.verifyAsync(token(rsa1, JWSAlgorithm.RS256))).isDone();
  }

  @Test
  void aFetchNeverBlocksTheCaller() throws Exception {
    server.serve(rsa1);
    server.hold();
    CompletableFuture<Claims> pending = verifier().verifyAsync(token(rsa1, JWSAlgorithm.RS256));
    assertThat(pending).as("returned while the JWKS server holds its answer").isNotDone();
    server.release();
    assertThat(pending.get(20, TimeUnit.SECONDS).publish()).hasSize(1);
  }

  @Test
  void anUnknownKidRefetchesOnceAndIsAcceptedAfterRotation() throws Exception {
    server.serve(rsa1);
    JwtVerifier verifier = verifier();
    verifier.verify(token(rsa1, JWSAlgorithm.RS256));
    server.serve(rsa1, rsa2); // the issuer rotates in a new key
    clock.advance(Duration.ofSeconds(31));
    assertThat(verifier.verify(token(rsa2, JWSAlgorithm.RS256)).publish()).hasSize(1);
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS256)).publish()).hasSize(1);
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void aFloodOfUnknownKidsFetchesAtMostOncePerWindow() throws Exception {
    server.serve(rsa1);
    JwtVerifier verifier = verifier();
    verifier.verify(token(rsa1, JWSAlgorithm.RS256));
    clock.advance(Duration.ofSeconds(31));
    List<CompletableFuture<Claims>> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(verifier.verifyAsync(JwksServer.token(stranger, JWSAlgorithm.RS256, UUID.randomUUID().toString(),
          clock.instant())));
    }
    for (CompletableFuture<Claims> attempt : flood) {
      assertThatThrownBy(() -> attempt.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(AuthException.class);
    }
    assertThat(server.requests()).as("the first fetch and one refetch for the whole flood").isEqualTo(2);

    clock.advance(Duration.ofSeconds(20));
    String message = refusal(verifier, JwksServer.token(stranger, JWSAlgorithm.RS256, "another", clock.instant()));
    assertThat(message).contains("kid 'another'").contains("at most every 30 s");
    assertThat(server.requests()).as("still inside the 30 s window").isEqualTo(2);
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS256)).publish()).as("known keys still work").hasSize(1);

    clock.advance(Duration.ofSeconds(11));
    refusal(verifier, JwksServer.token(stranger, JWSAlgorithm.RS256, "yet-another", clock.instant()));
    assertThat(server.requests()).as("a new window allows one more fetch").isEqualTo(3);
  }

  @Test
  void anExpiredSetIsRefetchedAndARemovedKeyStopsWorking() throws Exception {
    server.serve(rsa1, rsa2);
    JwtVerifier verifier = verifier();
    verifier.verify(token(rsa1, JWSAlgorithm.RS256));
    server.serve(rsa2); // rsa-1 is withdrawn
    clock.advance(JwksPolicy.DEFAULT_TIME_TO_LIVE.plusSeconds(1));
    // Past its time to live the set is still used while the refetch runs in the background.
    verifier.verify(token(rsa2, JWSAlgorithm.RS256));
    awaitRequests(2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) { // the refetch lands on an HTTP client thread; wait (bounded) until rsa-1 is gone
      try {
        verifier.verify(token(rsa1, JWSAlgorithm.RS256));
      } catch (AuthException refused) {
        assertThat(refused.getMessage()).contains("kid 'rsa-1'");
        break;
      }
      assertThat(System.nanoTime()).as("rsa-1 still accepted after the refetch").isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void duringAnOutageCachedKeysKeepWorkingForTheStalePeriodAndNewKidsAreRefused() throws Exception {
    JwksPolicy policy = JwksPolicy.DEFAULT.withMaxStale(Duration.ofMinutes(10));
    server.serve(rsa1);
    JwtVerifier verifier = verifier(policy);
    verifier.verify(token(rsa1, JWSAlgorithm.RS256));
    server.close(); // the JWKS server goes away

    clock.advance(policy.timeToLive().plusMinutes(1));
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS256)).publish()).as("stale but usable").hasSize(1);
    String unknown = refusal(verifier, token(rsa2, JWSAlgorithm.RS256));
    assertThat(unknown).contains("kid 'rsa-2'").contains("fetching the key set again failed")
        .contains("cannot connect");

    clock.advance(Duration.ofMinutes(5));
    assertThat(verifier.verify(token(rsa1, JWSAlgorithm.RS256)).publish()).as("still within 10 min").hasSize(1);

    clock.advance(Duration.ofMinutes(5)); // now past time to live + stale period
    String expired = refusal(verifier, token(rsa1, JWSAlgorithm.RS256));
    assertThat(expired).contains("could not be fetched").contains("cannot connect");
  }

  @Test
  void aJwksThatCannotBeFetchedRefusesWithTheReason() {
    server.serveRaw(503, "down for maintenance");
    assertThat(refusal(verifier(), token(rsa1, JWSAlgorithm.RS256))).contains("HTTP 503");
    server.serveRaw(200, "<html>not json</html>");
    clock.advance(Duration.ofSeconds(31));
    assertThat(refusal(verifier(), token(rsa1, JWSAlgorithm.RS256))).contains("not a JWK set");
  }

  @Test
  void anOversizedJwksIsRefused() {
    server.serveRaw(200, "{\"keys\":[],\"padding\":\"" + "x".repeat(5000) + "\"}");
    String message = refusal(verifier(JwksPolicy.DEFAULT.withMaxBytes(1000)), token(rsa1, JWSAlgorithm.RS256));
    assertThat(message).contains("larger than 1000 bytes");
  }

  @Test
  void aJwksServerThatDoesNotAnswerInTimeIsRefused() {
    server.serve(rsa1);
    server.hold();
    String message = refusal(verifier(JwksPolicy.DEFAULT.withFetchTimeout(Duration.ofMillis(200))),
        token(rsa1, JWSAlgorithm.RS256));
    assertThat(message).contains("no complete answer within the fetch timeout");
  }

  @Test
  void anOctKeyInTheJwksIsNeverUsed() throws Exception {
    OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("shared").generate();
    // JWKSet.toString() would drop the secret; publish it the way a misconfigured issuer would.
    server.serveRaw(200, new JWKSet(List.of(oct, rsa1)).toString(false));
    JwtVerifier verifier = verifier();
    SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("shared").build(), claims());
    hs256.sign(new MACSigner(oct));
    assertThat(refusal(verifier, hs256.serialize())).contains("algorithm HS256 is not accepted");
    // Nor is an oct key taken for an RSA token that names its kid.
    assertThat(refusal(verifier, JwksServer.token(rsa2, JWSAlgorithm.RS256, "shared", clock.instant())))
        .contains("kid 'shared'");
  }

  @Test
  void anHs256TokenKeyedWithAJwksPublicKeyIsRefused() throws Exception {
    server.serve(rsa1);
    JwtVerifier verifier = verifier();
    List<byte[]> publicForms = List.of(rsa1.toRSAPublicKey().getEncoded(),
        rsa1.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        rsa1.toRSAPublicKey().getModulus().toByteArray());
    for (byte[] secret : publicForms) {
      SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims());
      confused.sign(new MACSigner(secret));
      assertThat(refusal(verifier, confused.serialize())).contains("algorithm HS256 is not accepted");
    }
  }

  @Test
  void aTokenWithoutKidNeedsExactlyOneSuitableKey() throws Exception {
    server.serve(rsa1, ec256);
    JwtVerifier verifier = verifier();
    assertThat(verifier.verify(JwksServer.token(rsa1, JWSAlgorithm.RS256, null, clock.instant())).publish())
        .as("the only RSA key").hasSize(1);
    assertThat(verifier.verify(JwksServer.token(ec256, JWSAlgorithm.ES256, null, clock.instant())).publish())
        .as("the only P-256 key").hasSize(1);

    server.serve(rsa1, rsa2, ec256);
    JwtVerifier two = verifier();
    assertThat(refusal(two, JwksServer.token(rsa1, JWSAlgorithm.RS256, null, clock.instant())))
        .contains("no kid").contains("2 keys");
  }

  @Test
  void keysOfTheWrongTypeCurveOrUseAreNotUsed() throws Exception {
    ECKey ec384 = new ECKeyGenerator(Curve.P_384).keyID("ec-384").generate();
    RSAKey forEncryption = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
    RSAKey onlyPs256 = new RSAKeyGenerator(2048).keyID("ps").algorithm(JWSAlgorithm.PS256).generate();
    RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();
    server.serve(ec256, ec384, forEncryption, onlyPs256, small);
    JwtVerifier verifier = verifier();
    // An ES384 token naming the P-256 key's kid: wrong curve.
    assertThat(refusal(verifier, JwksServer.token(ec384, JWSAlgorithm.ES384, "ec-1", clock.instant())))
        .contains("kid 'ec-1'");
    assertThat(verifier.verify(token(ec384, JWSAlgorithm.ES384)).publish()).hasSize(1);
    // An RS256 token naming the EC key's kid: wrong type.
    assertThat(refusal(verifier, JwksServer.token(rsa1, JWSAlgorithm.RS256, "ec-1", clock.instant())))
        .contains("kid 'ec-1'");
    refusal(verifier, token(forEncryption, JWSAlgorithm.RS256));
    refusal(verifier, token(onlyPs256, JWSAlgorithm.RS256));
    assertThat(verifier.verify(token(onlyPs256, JWSAlgorithm.PS256)).publish()).hasSize(1);
    SignedJWT weak = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("small").build(), claims());
    weak.sign(new RSASSASigner(small.toPrivateKey(), java.util.Set.of(AllowWeakRSAKey.getInstance())));
    assertThat(refusal(verifier, weak.serialize())).as("RSA keys under 2048 bits").contains("kid 'small'");
  }

  @Test
  void aForgedSignatureUnderAKnownKidIsRefused() {
    server.serve(rsa1);
    String forged = JwksServer.token(stranger, JWSAlgorithm.RS256, "rsa-1", clock.instant());
    assertThat(refusal(verifier(), forged)).contains("signature does not match");
  }

  @Test
  void aHostileKidIsNotEchoedRaw() {
    server.serve(rsa1);
    String kid = "evil\r\nSet-Cookie: x=1 \"" + "k".repeat(200);
    String message = refusal(verifier(), JwksServer.token(stranger, JWSAlgorithm.RS256, kid, clock.instant()));
    assertThat(message).doesNotContain("\r").doesNotContain("\n").doesNotContain("\"").doesNotContain("k".repeat(100));
  }

  @Test
  void onlyHttpAndHttpsUrlsAreAccepted() {
    for (String url : List.of("ftp://example.com/jwks", "file:///etc/jwks.json", "/relative/jwks.json",
        "http:///no-host")) {
      assertThatThrownBy(() -> JwtVerifier.jwks(URI.create(url), clock))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JWKS URL");
    }
    JwtVerifier.jwks(URI.create("https://issuer.example/.well-known/jwks.json"), clock);
  }

  @Test
  void policyBoundsAreChecked() {
    assertThatThrownBy(() -> JwksPolicy.DEFAULT.withTimeToLive(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwksPolicy.DEFAULT.withMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwksPolicy.DEFAULT.withMinRefreshInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", List.of("*")))
        .expirationTime(java.util.Date.from(clock.instant().plusSeconds(3600))).build();
  }

  private void awaitRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.requests() < count) {
      assertThat(System.nanoTime()).as("JWKS requests: " + server.requests()).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

}
