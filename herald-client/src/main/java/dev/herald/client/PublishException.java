package dev.herald.client;

/**
 * A publication the hub did not acknowledge. {@link #status()} is the HTTP status of the last answer
 * (0 when there was none: the connection failed or the publisher was closed or interrupted, see
 * {@link #getCause()}); {@link #reason()} is the hub's body, e.g. {@code invalid_token: the token
 * expired at ...}; {@link #code()} is its stable part before the colon. {@link #attempts()} says how
 * many requests were sent. Statuses retrying cannot fix (400, 401, 403, 409, 413, ...) throw after
 * one attempt; 429, 502, 503, 504 and I/O errors after the last of the allowed attempts.
 */
public final class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;
  private final int attempts;

  PublishException(int status, String reason, int attempts, Throwable cause) {
    super(message(status, reason, attempts), cause);
    this.status = status;
    this.reason = reason;
    this.attempts = attempts;
  }

  private static String message(int status, String reason, int attempts) {
    String after = " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
    return (status == 0 ? "publish failed" : "hub answered " + status) + after + ": " + reason;
  }

  /** The HTTP status of the hub's last answer, 0 when there was none. */
  public int status() {
    return status;
  }

  /** The hub's answer without its trailing line break, or what went wrong when there was none. */
  public String reason() {
    return reason;
  }

  /** The error code the hub put before the first colon of its answer ({@code invalid_token}), else "". */
  public String code() {
    int colon = reason.indexOf(':');
    return status == 0 || colon < 0 ? "" : reason.substring(0, colon);
  }

  /** How many requests were sent, 0 when none could be. */
  public int attempts() {
    return attempts;
  }
}
