package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hubs configured with RSA or EC public keys accept tokens signed by the private half, and nothing else. */
class PublicKeyTokensTest {

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static String token(JWSAlgorithm algorithm, JWSSigner signer) throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("mercure", Map.of("publish", List.of("*"), "subscribe", List.of())).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static int publish(Hub hub, String token) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + hub.address().getPort() + Hub.PATH);
    String form = "topic=" + URLEncoder.encode("t", StandardCharsets.UTF_8) + "&data=x";
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return HubFixture.HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static Hub hubWithKey(String pem) throws InterruptedException {
    return Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtPublicKey(pem).start();
  }

  @Test
  void rs256TokenSignedByThePrivateKeyIsAccepted() throws Exception {
    KeyPair pair = rsa();
    try (Hub hub = hubWithKey(pem(pair))) {
      assertThat(publish(hub, token(JWSAlgorithm.RS256, new RSASSASigner(pair.getPrivate())))).isEqualTo(200);
    }
  }

  @Test
  void rs256TokenFromAnotherKeyIsRefused() throws Exception {
    try (Hub hub = hubWithKey(pem(rsa()))) {
      assertThat(publish(hub, token(JWSAlgorithm.RS256, new RSASSASigner(rsa().getPrivate())))).isEqualTo(401);
    }
  }

  @Test
  void es256TokenSignedByThePrivateKeyIsAccepted() throws Exception {
    KeyPair pair = ec();
    try (Hub hub = hubWithKey(pem(pair))) {
      assertThat(publish(hub, token(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) pair.getPrivate()))))
          .isEqualTo(200);
    }
  }

  @Test
  void hmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
    // The classic key-confusion attack: sign HS256 with the (public) PEM text as the secret.
    String pem = pem(rsa());
    try (Hub hub = hubWithKey(pem)) {
      String forged = token(JWSAlgorithm.HS256, new MACSigner(pem.getBytes(StandardCharsets.UTF_8)));
      assertThat(publish(hub, forged)).isEqualTo(401);
    }
  }

  @Test
  void privateKeyPemIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> Hub.builder().jwtPublicKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PUBLIC KEY or CERTIFICATE");
  }

  @Test
  void textWithoutPemIsRejected() {
    assertThatThrownBy(() -> Hub.builder().jwtPublicKey("hello"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM block");
  }
}
