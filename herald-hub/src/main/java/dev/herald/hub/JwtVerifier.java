package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Verifies Mercure JWS tokens and reads their {@code mercure} claim. A verifier holds one key (an
 * HMAC secret: HS256, HS384, HS512; an RSA public key: RS256/384/512, PS256/384/512; an EC public
 * key: ES256/384/512) or the RSA and EC keys of a JWKS URL, fetched and cached per {@link JwksPolicy}.
 * Tokens signed with another algorithm family are refused, so neither {@code alg: none} nor key
 * confusion gets through; so are expired tokens and tokens not yet valid, each with a reason that
 * says so. Refusals never quote the token.
 */
final class JwtVerifier {
  /** Shortest secret accepted: 256 bits, as HS256 requires. */
  public static final int MIN_SECRET_BYTES = 32;
  private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384,
      JWSAlgorithm.HS512);
  private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512);

  private static final Set<JWSAlgorithm> PUBLIC_KEY = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  private final KeySource keys;
  private final Set<JWSAlgorithm> accepted;
  private final Clock clock;
  private final Duration clockSkew;
  private final VerifiedTokens verified;

  private JwtVerifier(KeySource keys, Set<JWSAlgorithm> accepted, Clock clock, Duration clockSkew) {
    this.keys = keys;
    this.accepted = accepted;
    this.clock = clock;
    this.clockSkew = clockSkew;
    this.verified = new VerifiedTokens(clock, clockSkew);
  }

  /**
   * A copy that tolerates clocks this far apart: a token is still accepted up to {@code skew} after
   * its {@code exp} and from {@code skew} before its {@code nbf}.
   */
  public JwtVerifier withClockSkew(Duration skew) {
    if (skew.isNegative()) {
      throw new IllegalArgumentException("clock skew must not be negative: " + skew);
    }
    return new JwtVerifier(keys, accepted, clock, skew);
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
      return new JwtVerifier(KeySource.of(new RSASSAVerifier(rsa)), RSA, clock, Duration.ZERO);
    }
    if (key instanceof ECPublicKey ec) {
      try {
        return new JwtVerifier(KeySource.of(new ECDSAVerifier(ec)), EC, clock, Duration.ZERO);
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
      return new JwtVerifier(KeySource.of(new MACVerifier(key)), HMAC, clock, Duration.ZERO);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable JWT secret: " + e.getMessage(), e);
    }
  }

  /**
   * A verifier for tokens signed by a key of the JWKS at {@code url} (http or https), with the default
   * {@link JwksPolicy}. Nothing is fetched until the first token arrives.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http or https URL with a host
   */
  public static JwtVerifier jwks(URI url, Clock clock) {
    return jwks(url, JwksPolicy.DEFAULT, clock);
  }

  /**
   * A verifier for tokens signed by an RSA or EC key of the JWKS at {@code url}, fetched and cached as
   * {@code policy} says. Only RS*, PS* and ES* tokens are accepted: never HMAC, whose key would have
   * to be public to be in a JWKS.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http or https URL with a host
   */
  public static JwtVerifier jwks(URI url, JwksPolicy policy, Clock clock) {
    checkJwksUrl(url);
    JwksFetcher fetcher = new JwksFetcher(url, policy.fetchTimeout(), policy.maxBytes());
    JwksCache cache = new JwksCache(fetcher::fetch, policy, clock, fetcher.displayUrl());
    return new JwtVerifier(new JwksKeys(cache), PUBLIC_KEY, clock, Duration.ZERO);
  }

  /**
   * Checks that {@code url} can serve a JWKS: absolute, http or https, with a host.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void checkJwksUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("the JWKS URL must be an http or https URL, not '" + url + "'");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("the JWKS URL must name a host: '" + url + "'");
    }
  }

  /**
   * The token's claims, or why it is refused. With a JWKS this may wait for a fetch (up to the
   * policy's fetch timeout); on an event loop use {@link #verifyAsync}.
   */
  public Claims verify(String token) throws AuthException {
    try {
      return verifyAsync(token).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof AuthException refusal) {
        throw refusal;
      }
      throw new AuthException("invalid_token", "the token cannot be verified: " + e.getCause());
    }
  }

  /**
   * The token's claims, or why it is refused (an {@link AuthException} as the failure). Complete when
   * it returns unless the keys must be fetched first (a JWKS not yet fetched, or a key id not in the
   * cached set): then it completes on a fetching thread, and never blocks the caller meanwhile.
   */
  public CompletableFuture<Claims> verifyAsync(String token) {
    Object generation = keys.generation(); // read first: keys changing during the check leave it stale
    Claims known = verified.get(token, generation);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    SignedJWT jwt;
    try {
      jwt = parse(token);
    } catch (AuthException refusal) {
      return CompletableFuture.failedFuture(refusal);
    }
    return keys.verifiersFor(jwt.getHeader()).thenCompose(verifiers -> {
      try {
        Claims claims = check(jwt, verifiers);
        verified.put(token, generation, claims);
        return CompletableFuture.completedFuture(claims);
      } catch (AuthException refusal) {
        return CompletableFuture.failedFuture(refusal);
      }
    });
  }

  /** The signed JWT, its header checked: an accepted algorithm, no critical parameters. */
  private SignedJWT parse(String token) throws AuthException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new AuthException("invalid_token", "the token is not a signed JWT");
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (!accepted.contains(algorithm)) {
      throw new AuthException("invalid_token", "the token's algorithm " + printable(String.valueOf(algorithm))
          + " is not accepted");
    }
    if (jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()) {
      throw new AuthException("invalid_token", "the token marks header parameters "
          + printable(jwt.getHeader().getCriticalParams().toString())
          + " as critical, which this hub does not understand");
    }
    return jwt;
  }

  /** The claims, once the signature matches one of the keys and the times are right. */
  private Claims check(SignedJWT jwt, List<JWSVerifier> verifiers) throws AuthException {
    if (!matches(jwt, verifiers)) {
      throw new AuthException("invalid_token", "the signature does not match the configured key");
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

  /**
   * Text taken from a token as it may appear in a refusal (body and {@code WWW-Authenticate} header):
   * printable ASCII without quotes or backslashes, at most 64 characters.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 64; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    return text.length() > 64 ? out + "..." : out.toString();
  }

  private static boolean matches(SignedJWT jwt, List<JWSVerifier> verifiers) throws AuthException {
    for (JWSVerifier verifier : verifiers) {
      try {
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException e) {
        throw new AuthException("invalid_token", "the signature cannot be verified: " + e.getMessage());
      }
    }
    return false;
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
