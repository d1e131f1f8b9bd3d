package dev.herald.spring;

/**
 * Herald (the publisher or the embedded hub) cannot start with this application's configuration or
 * classpath; the message says why, {@link #action()} what to change. Spring Boot prints both at
 * start-up instead of a stack trace ({@link HeraldFailureAnalyzer}).
 */
public final class HeraldConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String action;

  HeraldConfigurationException(String description, String action) {
    super(description);
    this.action = action;
  }

  HeraldConfigurationException(String description, String action, Throwable cause) {
    super(description, cause);
    this.action = action;
  }

  /** What to change so that the hub starts. */
  public String action() {
    return action;
  }
}
