package dev.herald.spring;

import dev.herald.client.HubPublisher;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@code herald.*} and, when {@code herald.hub.url} is set, provides a {@link HubPublisher}
 * for that hub, closed with the context. Needs only herald-client: an application that publishes to
 * a remote hub carries none of the hub's libraries.
 */
@AutoConfiguration
@EnableConfigurationProperties(HeraldProperties.class)
public class HeraldAutoConfiguration {

  /** The publisher of a remote hub. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "herald.hub", name = "url")
  public HubPublisher heraldPublisher(HeraldProperties properties) {
    HeraldProperties.Hub hub = properties.hub();
    return Publishers.build(URI.create(hub.url().trim()), hub, null);
  }
}
