package dev.herald.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1} (RSA 2048, valid until 2125)
 * with its PKCS#8 key, for TLS tests in every module, and a client {@link SSLContext} that trusts it.
 * Made with: {@code openssl req -x509 -newkey rsa:2048 -nodes -keyout localhost.key -out localhost.crt
 * -days 36500 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1}.
 */
public final class TestCertificates {
  private static Path directory;

  private TestCertificates() {}

  /** The certificate (PEM), as a file. */
  public static Path certificate() {
    return extracted().resolve("localhost.crt");
  }

  /** The private key (PEM, PKCS#8), as a file. */
  public static Path privateKey() {
    return extracted().resolve("localhost.key");
  }

  /** A TLS context that trusts exactly the test certificate. */
  public static SSLContext trustingClientContext() {
    try (InputStream in = Files.newInputStream(certificate())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("localhost", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test certificate", e);
    }
  }

  /** Copies the resources to files once: other modules read them from inside a jar. */
  private static synchronized Path extracted() {
    if (directory == null) {
      try {
        Path dir = Files.createTempDirectory("herald-tls");
        for (String name : new String[] {"localhost.crt", "localhost.key"}) {
          try (InputStream in = TestCertificates.class.getResourceAsStream("tls/" + name)) {
            if (in == null) {
              throw new IllegalStateException("test resource dev/herald/server/tls/" + name + " is missing");
            }
            Files.copy(in, dir.resolve(name));
          }
          dir.resolve(name).toFile().deleteOnExit();
        }
        dir.toFile().deleteOnExit();
        directory = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return directory;
  }
}
