package dev.herald.spring;

import dev.herald.hub.Hub;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The embedded hub's health for Spring Boot 3's Actuator; the same details as
 * {@link HubHealthIndicator}, in Boot 3's package.
 */
final class Boot3HubHealthIndicator extends AbstractHealthIndicator {
  private final Hub hub;

  Boot3HubHealthIndicator(Hub hub) {
    super("Herald hub health check failed");
    this.hub = hub;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    HubHealthDetails health = HubHealthDetails.of(hub);
    (health.up() ? builder.up() : builder.down()).withDetails(health.details());
  }
}
