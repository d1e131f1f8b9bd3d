package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A hub configured with a JWKS URL, end to end over HTTP, with the JWKS served on a loopback port. */
class JwksHubTest {
  private static RSAKey rsa;
  private static ECKey ec;
  private static RSAKey stranger;
  private JwksServer jwks;
  private HubFixture fixture;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    stranger = new RSAKeyGenerator(2048).keyID("rsa").generate(); // same kid, other key
  }

  @BeforeEach
  void start() throws Exception {
    jwks = new JwksServer().serve(rsa, ec);
    fixture = new HubFixture(builder -> builder.jwksUrl(jwks.uri()));
  }

  @AfterEach
  void stop() {
    fixture.close();
    jwks.close();
  }

  @Test
  void publishWithAJwksSignedTokenIs200() throws Exception {
    HttpResponse<String> response = fixture.publish(JwksServer.token(rsa, JWSAlgorithm.RS256, Instant.now()),
        "topic", "t", "data", "x");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(fixture.publish(JwksServer.token(ec, JWSAlgorithm.ES256, Instant.now()), "topic", "t", "data", "y")
        .statusCode()).isEqualTo(200);
    assertThat(jwks.requests()).isEqualTo(1);
  }

  @Test
  void privateUpdatesReachASubscriberWithAJwksSignedToken() throws Exception {
    String token = JwksServer.token(ec, JWSAlgorithm.ES256, Instant.now());
    try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
        .header("Authorization", "Bearer " + token))) {
      assertThat(fixture.publish(JwksServer.token(rsa, JWSAlgorithm.RS256, Instant.now()),
          "topic", "t", "data", "secret", "private", "on").statusCode()).isEqualTo(200);
      SseEvent event = events.poll(Duration.ofSeconds(20));
      assertThat(event).isNotNull();
      assertThat(event.data()).isEqualTo("secret");
    }
  }

  @Test
  void whileTheFirstRequestWaitsForTheFetchTheHubAnswersOthers() throws Exception {
    jwks.hold();
    String token = JwksServer.token(rsa, JWSAlgorithm.RS256, Instant.now());
    var publish = HubFixture.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(fixture.uri(Hub.PATH))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + token)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("topic=t&data=x")).build(),
        HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (jwks.requests() == 0) {
      assertThat(System.nanoTime()).as("the hub never asked for the JWKS").isLessThan(deadline);
      Thread.sleep(5);
    }
    // The JWKS answer is held back; the event loops are free, so other requests are answered.
    assertThat(fixture.get(fixture.uri("/healthz")).statusCode()).isEqualTo(200);
    assertThat(publish).isNotDone();
    jwks.release();
    HttpResponse<String> response = publish.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void refusalsNeverContainTheToken() throws Exception {
    Instant now = Instant.now();
    List<String> bad = List.of(
        JwksServer.token(stranger, JWSAlgorithm.RS256, now), // forged signature under a known kid
        JwksServer.token(stranger, JWSAlgorithm.RS256, "unknown-kid", now),
        JwksServer.token(rsa, JWSAlgorithm.RS256, now.minus(Duration.ofHours(2))), // expired
        JwksServer.token(rsa, JWSAlgorithm.RS256, now).replace('.', '!'), // malformed
        HubFixture.token(List.of("*"), List.of())); // HS256: not accepted with a JWKS
    for (String token : bad) {
      HttpResponse<String> response = fixture.publish(token, "topic", "t", "data", "x");
      assertThat(response.statusCode()).isEqualTo(401);
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(response.body()).startsWith("invalid_token: ").doesNotContain(token).doesNotContain(signature);
      assertThat(response.headers().map().toString()).doesNotContain(token).doesNotContain(signature);

      HttpResponse<String> subscribe = fixture.get(fixture.uri(fixture.subscribePath("t") + "&authorization=" + token));
      assertThat(subscribe.statusCode()).isEqualTo(401);
      assertThat(subscribe.body()).doesNotContain(token).doesNotContain(signature);
    }
  }

  @Test
  void aHostileKidCannotInjectHeaders() throws Exception {
    String token = JwksServer.token(stranger, JWSAlgorithm.RS256, "x\r\nSet-Cookie: pwned=1", Instant.now());
    HttpResponse<String> response = fixture.publish(token, "topic", "t", "data", "x");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("kid 'x??Set-Cookie");
  }
}
