package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.HubPublisher;
import dev.herald.hub.Hub;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The publisher of a remote hub ({@code herald.hub.*}). */
class HeraldAutoConfigurationTest {
  static final String SECRET = "a-secret-of-at-least-32-bytes-for-hs256!";

  private final ApplicationContextRunner contexts = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class, EmbeddedHubAutoConfiguration.class,
          HubHealthAutoConfiguration.class));

  @Test
  void aHubUrlWithASecretGivesAPublisherAndNoEmbeddedHub() {
    contexts.withPropertyValues("herald.hub.url=http://127.0.0.1:9/.well-known/mercure", "herald.hub.jwt-secret=" + SECRET)
        .run(context -> {
          assertThat(context).hasSingleBean(HubPublisher.class);
          assertThat(context).doesNotHaveBean(Hub.class);
        });
  }

  @Test
  void aPublisherTokenIsEnoughCredentials() {
    contexts.withPropertyValues("herald.hub.url=https://hub.example.com/.well-known/mercure",
        "herald.hub.publisher-token=eyJhbGciOiJIUzI1NiJ9.e30.signature").run(context ->
        assertThat(context).hasSingleBean(HubPublisher.class));
  }

  @Test
  void withoutAUrlOrAnEmbeddedHubThereIsNoPublisher() {
    contexts.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HubPublisher.class));
  }

  @Test
  void aHubUrlWithoutCredentialsFailsNamingTheProperties() {
    contexts.withPropertyValues("herald.hub.url=http://127.0.0.1:9/.well-known/mercure").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(HeraldConfigurationException.class)
          .hasMessageContaining("no credentials");
      HeraldConfigurationException failure = (HeraldConfigurationException) rootCause(context.getStartupFailure());
      assertThat(failure.action()).contains("herald.hub.jwt-secret", "herald.hub.publisher-token");
    });
  }

  @Test
  void aHubUrlThatIsNotHttpFailsNamingIt() {
    contexts.withPropertyValues("herald.hub.url=ftp://hub.example.com/", "herald.hub.jwt-secret=" + SECRET)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("http or https");
        });
  }

  @Test
  void anApplicationsOwnPublisherBeanWins() {
    contexts.withPropertyValues("herald.hub.url=http://127.0.0.1:9/.well-known/mercure")
        .withBean("mine", HubPublisher.class, () -> HubPublisher.builder(
            java.net.URI.create("http://127.0.0.1:10/.well-known/mercure")).jwtSecret(SECRET).build())
        .run(context -> assertThat(context).hasNotFailed().getBeans(HubPublisher.class).containsOnlyKeys("mine"));
  }

  static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
