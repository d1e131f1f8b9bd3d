package dev.herald.spring;

import dev.herald.client.HubPublisher;
import dev.herald.hub.Hub;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code herald.embedded.enabled=true}: the hub runs inside the application on its own port,
 * started when the context starts and closed (every stream ended cleanly) when it closes. Without
 * {@code herald.hub.url}, the {@link HubPublisher} bean publishes to it.
 */
@AutoConfiguration(after = HeraldAutoConfiguration.class)
@ConditionalOnProperty(prefix = "herald.embedded", name = "enabled", havingValue = "true")
public class EmbeddedHubAutoConfiguration {

  /** The hub and its publisher, when herald-hub is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.herald.hub.Hub")
  static class HubConfiguration {
    /** The running hub; {@link Hub#url()} and {@link Hub#address()} say where it listens. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Hub heraldHub(HeraldProperties properties) {
      return EmbeddedHubFactory.start(properties.embedded());
    }

    /** A publisher of the embedded hub, with its publisher secret unless {@code herald.hub.*} gives one. */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(EmbeddedPublisherCondition.class)
    HubPublisher heraldPublisher(Hub hub, HeraldProperties properties) {
      return Publishers.build(URI.create(hub.url()), properties.hub(), properties.embedded().publisherSecret());
    }
  }

  /** Without herald-hub, a clear failure instead of a silently missing hub. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("dev.herald.hub.Hub")
  static class MissingHubConfiguration {
    @Bean
    Object heraldHubMissing() {
      throw new HeraldConfigurationException("herald.embedded.enabled is true, but dev.herald:herald-hub is not on the"
          + " classpath.", "Add the dependency dev.herald:herald-hub (the same version as"
          + " herald-spring-boot-starter), or remove herald.embedded.enabled.");
    }
  }
}
