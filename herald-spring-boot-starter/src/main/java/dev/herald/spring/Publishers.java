package dev.herald.spring;

import dev.herald.client.HubPublisher;
import java.net.URI;

/** The {@link HubPublisher} the {@code herald.hub.*} properties describe. */
final class Publishers {
  private Publishers() {
  }

  /**
   * A publisher of {@code url}, authorized by {@code herald.hub.publisher-token}, else
   * {@code herald.hub.jwt-secret}, else {@code fallbackSecret} (the embedded hub's).
   *
   * @throws HeraldConfigurationException if it has none of them, or a value is wrong
   */
  static HubPublisher build(URI url, HeraldProperties.Hub hub, String fallbackSecret) {
    try {
      HubPublisher.Builder builder = HubPublisher.builder(url)
          .maxAttempts(hub.maxAttempts())
          .maxInFlight(hub.maxInFlight())
          .requestTimeout(hub.requestTimeout());
      if (hub.publisherToken() != null) {
        builder.token(hub.publisherToken().trim());
      } else if (hub.jwtSecret() != null) {
        builder.jwtSecret(hub.jwtSecret());
      } else if (fallbackSecret != null) {
        builder.jwtSecret(fallbackSecret);
      } else {
        throw new HeraldConfigurationException("The Herald publisher for " + url + " has no credentials.",
            "Set herald.hub.jwt-secret (the hub's publisher secret) or herald.hub.publisher-token.");
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new HeraldConfigurationException("The Herald publisher cannot be configured: " + e.getMessage() + ".",
          "Correct herald.hub.url, herald.hub.jwt-secret or herald.hub.publisher-token.", e);
    }
  }
}
