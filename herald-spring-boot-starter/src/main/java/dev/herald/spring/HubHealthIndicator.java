package dev.herald.spring;

import dev.herald.hub.Hub;
import dev.herald.hub.HubHealth;
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
    HubHealth health = hub.health();
    (health.ready() ? builder.up() : builder.down())
        .withDetail("url", hub.url())
        .withDetail("listening", health.listening())
        .withDetail("store", health.storeDetail())
        .withDetail("events", health.events())
        .withDetail("subscribers", hub.subscribers());
  }
}
