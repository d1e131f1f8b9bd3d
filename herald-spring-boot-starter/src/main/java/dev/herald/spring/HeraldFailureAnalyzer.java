package dev.herald.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link HeraldConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report.
 * Registered in {@code META-INF/spring.factories}.
 */
public final class HeraldFailureAnalyzer extends AbstractFailureAnalyzer<HeraldConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, HeraldConfigurationException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
