package dev.herald.spring;

import dev.herald.hub.Hub;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** The embedded hub's health for Spring Boot 4's Actuator; see {@link HubHealthAutoConfiguration}. */
final class HubHealthIndicator extends AbstractHealthIndicator {
  private final Hub hub;

  HubHealthIndicator(Hub hub) {
    super("Herald hub health check failed");
    this.hub = hub;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    HubHealthDetails health = HubHealthDetails.of(hub);
    (health.up() ? builder.up() : builder.down()).withDetails(health.details());
  }
}
