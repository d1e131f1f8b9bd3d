package dev.herald.spring;

import dev.herald.hub.Hub;
import dev.herald.server.ListenAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.springframework.util.unit.DataSize;

/**
 * Builds and starts the hub {@code herald.embedded.*} describes, with {@code herald serve}'s
 * defaults for what is unset. Every bad value fails the context's start with the property's name.
 */
final class EmbeddedHubFactory {
  private EmbeddedHubFactory() {
  }

  /**
   * Starts the hub: the port is bound before the log is opened, as with {@code herald serve}.
   *
   * @throws HeraldConfigurationException saying which property is wrong, or why the hub could not start
   */
  static Hub start(HeraldProperties.Embedded properties) {
    LibraryVersions.requireNetty(); // before the first class of the server is loaded
    Hub.Builder builder = configure(properties);
    try {
      return builder.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeraldConfigurationException("Interrupted while the embedded Herald hub started.", "Start the application again.", e);
    } catch (IllegalArgumentException e) {
      throw EmbeddedStore.invalid("herald.embedded: " + e.getMessage());
    } catch (IllegalStateException e) { // the store: another hub holds the data directory, Redis unreachable...
      throw new HeraldConfigurationException("The embedded Herald hub could not open its event log: " + e.getMessage(),
          "Check herald.embedded.store and herald.embedded.data-dir.", e);
    } catch (Exception e) { // Netty reports a taken port as a (native) IOException
      throw new HeraldConfigurationException("The embedded Herald hub could not listen on " + properties.listen() + ": "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()),
          "Choose another herald.embedded.listen, or stop what holds that port.", e);
    }
  }

  static Hub.Builder configure(HeraldProperties.Embedded p) {
    Hub.Builder builder = Hub.builder();
    try {
      builder.listen(ListenAddress.parse(p.listen()));
      credentials(builder, p);
      builder.anonymous(p.anonymous()).ui(p.ui()).subscriptions(p.subscriptions());
      set(p.corsOrigins(), builder::corsOrigins);
      set(p.publishOrigins(), builder::publishOrigins);
      set(p.heartbeat(), builder::heartbeat);
      set(p.maxUpdateSize(), size -> builder.maxUpdateSize(intBytes(size, "max-update-size")));
      set(p.maxPublishBytesInFlight(), size -> builder.maxPublishBytesInFlight(size.toBytes()));
      set(p.writeBufferLimit(), size -> builder.writeBufferHighWaterMark(intBytes(size, "write-buffer-limit")));
      set(p.replayBudget(), size -> builder.replayBudget(size.toBytes()));
      set(p.replayPageSize(), size -> builder.replayPageSize(intBytes(size, "replay-page-size")));
      set(p.replayStallTimeout(), builder::replayStallTimeout);
      set(p.maxConnections(), builder::maxConnections);
      set(p.maxConnectionsPerIp(), builder::maxConnectionsPerAddress);
      set(p.requestTimeout(), builder::requestTimeout);
      set(p.idleTimeout(), builder::idleTimeout);
      set(p.jwtClockSkew(), builder::jwtClockSkew);
      set(p.maxTopics(), builder::maxTopicsPerSubscription);
      set(p.maxSelectorLength(), builder::maxSelectorLength);
      set(p.maxTemplateVariables(), builder::maxTemplateVariables);
      set(p.matchBudget(), builder::matchBudget);
      set(p.maxStreamsPerConnection(), builder::maxConcurrentStreams);
      set(p.maxHeaderSize(), size -> builder.maxHeaderSize(intBytes(size, "max-header-size")));
      set(p.maxRequestLine(), size -> builder.maxRequestLineLength(intBytes(size, "max-request-line")));
      set(p.flushInterval(), builder::flushInterval);
      if (p.publishRate() != null) {
        double rate = p.publishRate();
        builder.publishRate(rate, p.publishBurst() != null ? p.publishBurst()
            : (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate * 2))));
      }
      if ((p.tlsCert() == null) != (p.tlsKey() == null)) {
        throw new IllegalArgumentException("give both tls-cert and tls-key, or neither");
      }
      if (p.tlsCert() != null) {
        builder.tls(Path.of(p.tlsCert()), Path.of(p.tlsKey()));
      }
      if (p.sources() != null) {
        for (String source : p.sources()) {
          builder.source(dev.herald.source.Sources.open(source)); // connects once the hub serves
        }
      }
      builder.eventLog(EmbeddedStore.opener(p)) // opened once the port is bound
          .cacheSize(EmbeddedStore.cacheBytes(p));
      EmbeddedStore.sharePresence(builder, p);
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      throw EmbeddedStore.invalid("herald.embedded: " + e.getMessage());
    }
    return builder;
  }

  /**
   * The roles' verification material; each role takes its most specific setting (its own JWKS, key
   * or secret, then the general JWKS, key or secret), as {@code herald serve} does.
   */
  private static void credentials(Hub.Builder builder, HeraldProperties.Embedded p) throws IOException {
    boolean general = p.jwtJwksUrl() != null || p.jwtKey() != null || p.jwtSecret() != null;
    boolean publishers = general || p.publisherJwtJwksUrl() != null || p.publisherJwtKey() != null
        || p.publisherJwtSecret() != null;
    boolean subscribers = general || p.subscriberJwtJwksUrl() != null || p.subscriberJwtKey() != null
        || p.subscriberJwtSecret() != null;
    if (!publishers || !subscribers) {
      throw new HeraldConfigurationException("The embedded Herald hub has no way to verify "
          + (publishers ? "subscribers'" : subscribers ? "publishers'" : "publishers' and subscribers'") + " tokens.",
          "Set herald.embedded.jwt-secret (an HS256 secret of at least 32 bytes) or herald.embedded.jwt-key"
              + " (a PEM public key), or the publisher-/subscriber- variants for each role.");
    }
    if (p.jwtJwksUrl() != null) {
      builder.jwksUrl(URI.create(p.jwtJwksUrl()));
    } else if (p.jwtKey() != null) {
      builder.jwtPublicKey(pem(p.jwtKey()));
    } else if (p.jwtSecret() != null) {
      builder.jwtSecret(p.jwtSecret());
    }
    if (p.publisherJwtJwksUrl() != null) {
      builder.publisherJwksUrl(URI.create(p.publisherJwtJwksUrl()));
    } else if (p.publisherJwtKey() != null) {
      builder.publisherJwtPublicKey(pem(p.publisherJwtKey()));
    } else if (p.publisherJwtSecret() != null) {
      builder.publisherJwtSecret(p.publisherJwtSecret());
    }
    if (p.subscriberJwtJwksUrl() != null) {
      builder.subscriberJwksUrl(URI.create(p.subscriberJwtJwksUrl()));
    } else if (p.subscriberJwtKey() != null) {
      builder.subscriberJwtPublicKey(pem(p.subscriberJwtKey()));
    } else if (p.subscriberJwtSecret() != null) {
      builder.subscriberJwtSecret(p.subscriberJwtSecret());
    }
  }

  /** A PEM key given as its text, or as the path of a file holding it. */
  private static String pem(String value) throws IOException {
    return value.strip().startsWith("-----BEGIN") ? value : Files.readString(Path.of(value));
  }

  private static int intBytes(DataSize size, String property) {
    long bytes = size.toBytes();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(property + " must be below 2GB (got " + size + ")");
    }
    return (int) bytes;
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
