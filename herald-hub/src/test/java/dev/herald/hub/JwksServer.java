package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on a loopback port for tests: serves whatever key set (or raw body and status) it
 * is given, counts the requests, can hold answers back until released, and can be stopped to stand
 * for an outage.
 */
public final class JwksServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String body = "{\"keys\":[]}";
  private volatile int status = 200;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  public JwksServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks.json", exchange -> {
      requests.incrementAndGet();
      try {
        // Bounded: a test that forgets to release does not hang the server's thread for ever.
        hold.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      } catch (IOException clientGone) {
        // the hub gave up (timeout, size limit): fine
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "jwks-test-server");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
  }

  /** Serves these keys (their public halves). */
  public JwksServer serve(JWK... keys) {
    this.body = new JWKSet(List.of(keys)).toString(true);
    this.status = 200;
    return this;
  }

  /** Serves this body and status. */
  public JwksServer serveRaw(int status, String body) {
    this.status = status;
    this.body = body;
    return this;
  }

  /** Holds every answer back until {@link #release}. */
  public void hold() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    hold.countDown();
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }

  /** A token allowing publish and subscribe to {@code *}, signed by {@code key} with its kid (if any). */
  public static String token(JWK key, JWSAlgorithm algorithm, Instant now) {
    return token(key, algorithm, key.getKeyID(), now);
  }

  /** As {@link #token(JWK, JWSAlgorithm, Instant)} with another kid in the header ({@code null}: none). */
  public static String token(JWK key, JWSAlgorithm algorithm, String kid, Instant now) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("mercure", Map.of("publish", List.of("*"), "subscribe", List.of("*")))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
    try {
      jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
