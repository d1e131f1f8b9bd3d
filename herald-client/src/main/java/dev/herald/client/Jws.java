package dev.herald.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 compact JWS with Mercure claims, on {@code javax.crypto} alone. */
final class Jws {
  static final int MIN_SECRET_BYTES = 32;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      BASE64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private Jws() {}

  /**
   * The secret's UTF-8 bytes, refused when shorter than 32 like the hub refuses them: RFC 7518 wants
   * an HS256 key at least as long as the hash, and a token minted with a shorter one would only fail
   * later, at the hub, as 401.
   */
  static byte[] key(String secret) {
    if (secret == null) {
      throw new NullPointerException("jwtSecret");
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES
          + " bytes (UTF-8), it has " + key.length);
    }
    return key;
  }

  /** A token with claim {@code mercure.<kind>} = {@code selectors}, {@code iat} now and {@code exp}. */
  static String mint(byte[] key, String kind, List<String> selectors, Instant now, Instant expires) {
    StringBuilder claims = new StringBuilder("{\"mercure\":{");
    Json.string(claims, kind).append(':');
    Json.strings(claims, selectors).append("},\"iat\":").append(now.getEpochSecond())
        .append(",\"exp\":").append(expires.getEpochSecond()).append('}');
    String signingInput = HEADER + '.' + BASE64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    return signingInput + '.' + BASE64URL.encodeToString(hmac(key, signingInput));
  }

  private static byte[] hmac(byte[] key, String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e); // every JDK has it
    }
  }
}
