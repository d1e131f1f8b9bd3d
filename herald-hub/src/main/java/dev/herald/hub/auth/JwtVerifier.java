package dev.herald.hub.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.hub.topic.TopicSelector;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies Mercure JWS tokens and reads their {@code mercure} claim. A verifier holds one key: an
 * HMAC secret (HS256, HS384, HS512), an RSA public key (RS256/384/512, PS256/384/512) or an EC
 * public key (ES256/384/512). Tokens signed with another algorithm family are refused, so neither
 * {@code alg: none} nor key confusion gets through; so are expired tokens and tokens not yet valid,
 * each with a reason that says so.
 */
public final class JwtVerifier {
  /** Shortest secret accepted: 256 bits, as HS256 requires. */
  public static final int MIN_SECRET_BYTES = 32;
  private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384,
      JWSAlgorithm.HS512);
  private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512);

  private final JWSVerifier verifier;
  private final Set<JWSAlgorithm> accepted;
  private final Clock clock;
  private final Duration clockSkew;

  private JwtVerifier(JWSVerifier verifier, Set<JWSAlgorithm> accepted, Clock clock, Duration clockSkew) {
    this.verifier = verifier;
    this.accepted = accepted;
    this.clock = clock;
    this.clockSkew = clockSkew;
  }

  /**
   * A copy that tolerates clocks this far apart: a token is still accepted up to {@code skew} after
   * its {@code exp} and from {@code skew} before its {@code nbf}.
   */
  public JwtVerifier withClockSkew(Duration skew) {
    if (skew.isNegative()) {
      throw new IllegalArgumentException("clock skew must not be negative: " + skew);
    }
    return new JwtVerifier(verifier, accepted, clock, skew);
  }

  /**
   * A verifier for tokens signed with the private half of {@code pem}, a PEM public key
   * ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC) or certificate.
   *
   * @throws IllegalArgumentException if the PEM holds no usable RSA or EC public key
   */
  public static JwtVerifier publicKey(String pem, Clock clock) {
    PublicKey key = PemKeys.publicKey(pem);
    if (key instanceof RSAPublicKey rsa) {
      return new JwtVerifier(new RSASSAVerifier(rsa), RSA, clock, Duration.ZERO);
    }
    if (key instanceof ECPublicKey ec) {
      try {
        return new JwtVerifier(new ECDSAVerifier(ec), EC, clock, Duration.ZERO);
      } catch (JOSEException e) {
        throw new IllegalArgumentException("unusable EC key: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("the PEM holds a " + key.getAlgorithm() + " key; use RSA or EC");
  }

  /**
   * A verifier for tokens signed with {@code secret} (UTF-8).
   *
   * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
   */
  public static JwtVerifier hmac(String secret, Clock clock) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES
          + " bytes (256 bits) for HS256; this one has " + key.length);
    }
    try {
      return new JwtVerifier(new MACVerifier(key), HMAC, clock, Duration.ZERO);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable JWT secret: " + e.getMessage(), e);
    }
  }

  /** The token's claims, or why it is refused. */
  public Claims verify(String token) throws AuthException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new AuthException("invalid_token", "the token is not a signed JWT");
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (!accepted.contains(algorithm)) {
      throw new AuthException("invalid_token", "the token's algorithm " + algorithm + " is not accepted");
    }
    if (jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()) {
      throw new AuthException("invalid_token", "the token marks header parameters "
          + jwt.getHeader().getCriticalParams() + " as critical, which this hub does not understand");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new AuthException("invalid_token", "the signature does not match the configured key");
      }
    } catch (JOSEException e) {
      throw new AuthException("invalid_token", "the signature cannot be verified: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthException("invalid_token", "the token's claims are invalid: " + e.getMessage());
    }
    Instant now = clock.instant();
    Date expires = claims.getExpirationTime();
    if (expires != null && !now.isBefore(expires.toInstant().plus(clockSkew))) {
      throw new AuthException("invalid_token", "the token expired at " + expires.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(clockSkew).isBefore(notBefore.toInstant())) {
      throw new AuthException("invalid_token", "the token is not valid before " + notBefore.toInstant());
    }
    return mercureClaims(claims, expires == null ? null : expires.toInstant());
  }

  private static Claims mercureClaims(JWTClaimsSet claims, Instant expiresAt) throws AuthException {
    Object mercure = claims.getClaim("mercure");
    if (mercure == null) {
      return new Claims(List.of(), List.of(), null, expiresAt);
    }
    if (!(mercure instanceof Map<?, ?> map)) {
      throw new AuthException("invalid_token", "the mercure claim must be a JSON object");
    }
    return new Claims(selectors(map.get("publish"), "publish"), selectors(map.get("subscribe"), "subscribe"),
        map.get("payload"), expiresAt);
  }

  private static List<TopicSelector> selectors(Object value, String name) throws AuthException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new AuthException("invalid_token", "mercure." + name + " must be an array of topic selectors");
    }
    List<TopicSelector> selectors = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new AuthException("invalid_token", "mercure." + name + " must hold strings");
      }
      try {
        selectors.add(TopicSelector.parse(text));
      } catch (IllegalArgumentException malformed) {
        throw new AuthException("invalid_token", "mercure." + name + ": " + malformed.getMessage());
      }
    }
    return List.copyOf(selectors);
  }
}
