package dev.herald.cli;

import dev.herald.hub.Hub;

/**
 * A role's verification material for {@code herald serve}: an HMAC secret, a PEM public key (a file,
 * or the PEM text as MERCURE_*_JWT_KEY gives it) or a JWKS URL.
 */
record Credential(String secret, String keyFile, java.net.URI jwks) {
  /**
   * The most specific setting given: the role's JWKS, key or secret, then the general JWKS, key or
   * secret.
   */
  static Credential pick(java.net.URI roleJwks, String roleKey, String roleSecret,
      java.net.URI jwks, String key, String secret) {
    if (roleJwks != null) {
      return new Credential(null, null, roleJwks);
    }
    if (roleKey != null) {
      return new Credential(null, roleKey, null);
    }
    if (roleSecret != null) {
      return new Credential(roleSecret, null, null);
    }
    if (jwks != null) {
      return new Credential(null, null, jwks);
    }
    if (key != null) {
      return new Credential(null, key, null);
    }
    return secret != null ? new Credential(secret, null, null) : null;
  }

  void applyToPublishers(Hub.Builder builder) throws java.io.IOException {
    if (jwks != null) {
      builder.publisherJwksUrl(jwks);
    } else if (secret != null) {
      builder.publisherJwtSecret(secret);
    } else {
      builder.publisherJwtPublicKey(read(keyFile));
    }
  }

  void applyToSubscribers(Hub.Builder builder) throws java.io.IOException {
    if (jwks != null) {
      builder.subscriberJwksUrl(jwks);
    } else if (secret != null) {
      builder.subscriberJwtSecret(secret);
    } else {
      builder.subscriberJwtPublicKey(read(keyFile));
    }
  }

  private static String read(String file) throws java.io.IOException {
    if (file.strip().startsWith("-----BEGIN")) {
      return file; // the PEM text itself
    }
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file));
    } catch (java.io.IOException e) {
      throw new java.io.IOException("cannot read the key file " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
