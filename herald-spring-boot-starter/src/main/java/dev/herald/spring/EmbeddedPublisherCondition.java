package dev.herald.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether the embedded hub's publisher can be made: with {@code herald.hub.jwt-secret} or
 * {@code publisher-token}, or when the embedded hub verifies publishers by a secret. An embedded
 * hub that verifies publishers by a public key has no secret to sign with: the application then
 * has no publisher bean rather than a context that fails to start.
 */
final class EmbeddedPublisherCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    HeraldProperties properties = Binder.get(context.getEnvironment()).bind("herald", HeraldProperties.class)
        .orElse(null);
    if (properties == null) {
      return ConditionOutcome.noMatch("no herald.* properties");
    }
    if (properties.hub().publisherToken() != null || properties.hub().jwtSecret() != null) {
      return ConditionOutcome.match("herald.hub gives the publisher's credentials");
    }
    return properties.embedded().publisherSecret() != null
        ? ConditionOutcome.match("the embedded hub verifies publishers with a secret")
        : ConditionOutcome.noMatch("the embedded hub verifies publishers with a key, and herald.hub gives no"
            + " jwt-secret or publisher-token");
  }
}
