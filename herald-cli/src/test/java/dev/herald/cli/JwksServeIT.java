package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code herald serve --jwt-jwks-url} as a separate process, with the JWKS on a loopback port. */
class JwksServeIT {
  @Test
  void aHubConfiguredWithAJwksUrlAcceptsTokensSignedByItsKeys() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("cli-key").generate();
    byte[] jwks = new JWKSet(key).toString(true).getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks.json", exchange -> {
      exchange.sendResponseHeaders(200, jwks.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(jwks);
      }
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    try (HubProcess hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-jwks-url", url)) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("cli-key").build(),
          new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", List.of("*"))).build());
      jwt.sign(new RSASSASigner(key));
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.endpoint))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Authorization", "Bearer " + jwt.serialize())
          .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=x")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    } finally {
      server.stop(0);
    }
  }
}
