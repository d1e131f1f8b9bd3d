package dev.herald.hub.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Issues Mercure tokens signed with an HMAC secret (HS256): for {@code herald token} and tests. */
public final class Tokens {
  private Tokens() {}

  /**
   * A token allowing {@code publish} and {@code subscribe} selectors, expiring after {@code ttl}
   * ({@code null}: never).
   */
  public static String hmac(String secret, List<String> publish, List<String> subscribe, Duration ttl,
      Instant now) {
    return hmac(secret, publish, subscribe, null, ttl, now);
  }

  /**
   * As {@link #hmac(String, List, List, Duration, Instant)}, with {@code mercure.payload} (maps,
   * lists, strings, numbers, booleans; {@code null}: none), which the hub shows in the subscriber's
   * active subscriptions.
   */
  public static String hmac(String secret, List<String> publish, List<String> subscribe, Object payload,
      Duration ttl, Instant now) {
    Map<String, Object> mercure = new LinkedHashMap<>();
    mercure.put("publish", publish);
    mercure.put("subscribe", subscribe);
    if (payload != null) {
      mercure.put("payload", payload);
    }
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("mercure", mercure)
        .issueTime(Date.from(now));
    if (ttl != null) {
      claims.expirationTime(Date.from(now.plus(ttl)));
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
