package dev.herald.hub;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a public key from PEM text with the JDK alone: {@code PUBLIC KEY} (SPKI) or {@code CERTIFICATE}. */
final class PemKeys {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PemKeys() {}

  static PublicKey publicKey(String pem) {
    Matcher block = BLOCK.matcher(pem);
    if (!block.find()) {
      throw new IllegalArgumentException("no PEM block found (expected -----BEGIN PUBLIC KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(block.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block is not valid base64", e);
    }
    try {
      switch (block.group(1)) {
        case "PUBLIC KEY":
          return spki(der);
        case "CERTIFICATE":
          return CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        default:
          throw new IllegalArgumentException("a '" + block.group(1)
              + "' PEM block cannot verify tokens; give the PUBLIC KEY or CERTIFICATE");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable public key: " + e.getMessage(), e);
    }
  }

  private static PublicKey spki(byte[] der) throws GeneralSecurityException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePublic(spec);
    }
  }
}
