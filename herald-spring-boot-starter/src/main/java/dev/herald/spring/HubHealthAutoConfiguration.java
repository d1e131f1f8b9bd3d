package dev.herald.spring;

import dev.herald.hub.Hub;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded hub's health ({@code herald} in {@code /actuator/health}) when Actuator is present:
 * UP when the hub listens and its event log is writable, DOWN otherwise, as {@code GET /readyz}.
 * Spring Boot 4 and 3 keep health contributors in different packages; each has its indicator.
 * {@code management.health.herald.enabled=false} turns it off.
 */
@AutoConfiguration(after = EmbeddedHubAutoConfiguration.class)
@ConditionalOnClass(name = "dev.herald.hub.Hub")
@ConditionalOnBean(type = "dev.herald.hub.Hub")
@ConditionalOnProperty(prefix = "management.health.herald", name = "enabled", matchIfMissing = true)
public class HubHealthAutoConfiguration {

  /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
  static class Boot4 {
    @Bean
    HubHealthIndicator heraldHealthIndicator(Hub hub) {
      return new HubHealthIndicator(hub);
    }
  }

  /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.AbstractHealthIndicator")
  static class Boot3 {
    @Bean
    Boot3HubHealthIndicator heraldHealthIndicator(Hub hub) {
      return new Boot3HubHealthIndicator(hub);
    }
  }
}
