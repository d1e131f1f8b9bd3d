package dev.herald.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses the keys of a {@link JwksCache} for a token. A key suits a token when its type fits the
 * token's algorithm (RSA, at least 2048 bits, for RS* and PS*; EC on the matching curve for ES*), it
 * is not restricted to another use, operation or algorithm, and its {@code kid} equals the token's.
 * A token without {@code kid} is accepted only when exactly one key suits it. HMAC ({@code oct}) keys
 * are never used: a JWKS is public, so a "secret" found there is no secret. A token whose key is not
 * in the set asks the cache for a {@linkplain JwksCache#refreshed refreshed} one before it is refused.
 */
final class JwksKeys implements KeySource {
  private static final int MIN_RSA_BITS = 2048;
  private static final Map<JWSAlgorithm, Curve> CURVES = Map.of(JWSAlgorithm.ES256, Curve.P_256,
      JWSAlgorithm.ES384, Curve.P_384, JWSAlgorithm.ES512, Curve.P_521);
  private final JwksCache cache;

  JwksKeys(JwksCache cache) {
    this.cache = cache;
  }

  @Override
  public Object generation() {
    return cache.generation();
  }

  @Override
  public CompletableFuture<List<JWSVerifier>> verifiersFor(JWSHeader header) {
    return cache.keys().thenCompose(keys -> {
      List<JWK> suitable = suitable(keys.keys(), header);
      if (!suitable.isEmpty()) {
        return verifiers(suitable, header);
      }
      return cache.refreshed(keys).thenCompose(newer -> verifiers(suitable(newer.keys(), header), header)
          .exceptionallyCompose(refused -> CompletableFuture.failedFuture(explain(refused, newer))));
    });
  }

  /** The suitable keys; for a token without kid, only a sole suitable key. */
  static List<JWK> suitable(List<JWK> keys, JWSHeader header) {
    List<JWK> found = new ArrayList<>();
    for (JWK key : keys) {
      if (fits(key, header.getAlgorithm()) && (header.getKeyID() == null || header.getKeyID().equals(key.getKeyID()))) {
        found.add(key);
      }
    }
    return found;
  }

  private static boolean fits(JWK key, JWSAlgorithm algorithm) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return false;
    }
    if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
      return false;
    }
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(algorithm)) {
      return false;
    }
    if (key instanceof RSAKey rsa) {
      return JWSAlgorithm.Family.RSA.contains(algorithm) && rsa.size() >= MIN_RSA_BITS;
    }
    if (key instanceof ECKey ec) {
      return ec.getCurve().equals(CURVES.get(algorithm));
    }
    return false; // oct (HMAC), OKP and anything else
  }

  private static CompletableFuture<List<JWSVerifier>> verifiers(List<JWK> keys, JWSHeader header) {
    if (keys.isEmpty()) {
      String which = header.getKeyID() == null ? "no key in the JWKS suits " + header.getAlgorithm()
          : "no " + header.getAlgorithm() + " key in the JWKS has the token's kid '"
              + JwtVerifier.printable(header.getKeyID()) + "'";
      return CompletableFuture.failedFuture(new AuthException("invalid_token", which));
    }
    if (header.getKeyID() == null && keys.size() > 1) {
      return CompletableFuture.failedFuture(new AuthException("invalid_token", "the token has no kid and the JWKS "
          + "holds " + keys.size() + " keys for " + header.getAlgorithm() + "; sign with a kid header"));
    }
    List<JWSVerifier> verifiers = new ArrayList<>(keys.size());
    try {
      for (JWK key : keys) {
        verifiers.add(key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key));
      }
    } catch (JOSEException e) {
      return CompletableFuture.failedFuture(new AuthException("invalid_token", "the JWKS key is unusable: "
          + e.getMessage()));
    }
    return CompletableFuture.completedFuture(verifiers);
  }

  private static Throwable explain(Throwable refused, JwksCache.KeySet keys) {
    Throwable cause = refused instanceof java.util.concurrent.CompletionException && refused.getCause() != null
        ? refused.getCause() : refused;
    if (cause instanceof AuthException auth && keys.problem() != null) {
      return new AuthException(auth.code(), auth.getMessage() + " (" + keys.problem() + ")");
    }
    return cause;
  }
}
