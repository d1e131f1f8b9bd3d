package dev.herald.server;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's TLS settings from PEM files: TLS 1.3 and 1.2 only, the HTTP/2 cipher list (RFC 7540
 * appendix A's blocklist excluded) and ALPN offering {@code h2} then {@code http/1.1}, so browsers get
 * HTTP/2 and older clients HTTP/1.1 on the same port. The JDK's TLS engine is used: no native
 * library to match to the platform.
 */
final class Tls {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls() {}

  /**
   * Reads a certificate chain and its unencrypted PKCS#8 private key.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  static SslContext serverContext(Path certificateChain, Path privateKey) {
    String certificates = read(certificateChain, "certificate");
    String key = read(privateKey, "private key");
    if (!certificates.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("TLS certificate " + certificateChain
          + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    if (key.contains("-----BEGIN RSA PRIVATE KEY-----") || key.contains("-----BEGIN EC PRIVATE KEY-----")) {
      throw new IllegalArgumentException("TLS private key " + privateKey + " is in the PKCS#1/SEC1 format;"
          + " convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + privateKey + " -out key.pem");
    }
    if (key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException("TLS private key " + privateKey + " is encrypted; decrypt it with:"
          + " openssl pkcs8 -nocrypt -in " + privateKey + " -out key.pem");
    }
    if (!key.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException("TLS private key " + privateKey
          + " holds no PEM PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
    }
    requireMatchingKey(certificateChain, certificates, privateKey, key);
    try {
      return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              // Clients without ALPN (or without h2) simply get HTTP/1.1.
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("TLS: cannot use certificate " + certificateChain + " with key "
          + privateKey + ": " + rootMessage(e), e);
    }
  }

  /**
   * The JDK engine accepts a key that belongs to another certificate and then fails every handshake;
   * a signature made with the key and checked with the first certificate's public key tells at once.
   */
  private static void requireMatchingKey(Path certificateFile, String certificatePem, Path keyFile, String keyPem) {
    try {
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.ISO_8859_1)));
      PublicKey publicKey = certificate.getPublicKey();
      String body = keyPem.substring(keyPem.indexOf("-----BEGIN PRIVATE KEY-----") + 27);
      body = body.substring(0, body.indexOf("-----END PRIVATE KEY-----"));
      byte[] der = Base64.getMimeDecoder().decode(body);
      PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(der));
      String algorithm = switch (publicKey.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> publicKey.getAlgorithm(); // EdDSA keys name their own signature
      };
      byte[] probe = "herald".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException("TLS private key " + keyFile
            + " does not belong to the certificate " + certificateFile + " (" + certificate.getSubjectX500Principal() + ")");
      }
    } catch (GeneralSecurityException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("TLS private key")) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException("TLS: cannot use certificate " + certificateFile + " with key "
          + keyFile + ": " + rootMessage(e), e);
    }
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException("TLS " + what + " " + file + " cannot be read: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
