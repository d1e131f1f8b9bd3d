package dev.herald.hub;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link JwtVerifier} finds the keys for a token: one configured key, or a JWKS. The answer is
 * the verifiers to try (usually one), already complete when the keys are at hand; it fails with an
 * {@link AuthException} when no key suits the token.
 */
interface KeySource {
  CompletableFuture<List<JWSVerifier>> verifiersFor(JWSHeader header);

  /**
   * Identifies the keys offered now: a different object once they may have changed (a JWKS
   * fetched again), so that tokens verified with the old keys are verified again.
   */
  default Object generation() {
    return this;
  }

  /** A source that always offers the same verifier. */
  static KeySource of(JWSVerifier verifier) {
    CompletableFuture<List<JWSVerifier>> always = CompletableFuture.completedFuture(List.of(verifier));
    return header -> always;
  }
}
