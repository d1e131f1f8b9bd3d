package dev.herald.hub;

/**
 * A request's credentials were refused. {@link #code()} is a stable, machine-readable reason
 * ({@code missing_token}, {@code invalid_token}, ...) and the message says what to fix.
 */
final class AuthException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  /** A refusal with a stable code and a human message. */
  public AuthException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The stable reason code. */
  public String code() {
    return code;
  }
}
