package dev.herald.client;

import java.time.Duration;

/** Nothing, not even a comment, arrived for the configured read timeout; the connection was dropped. */
public final class ReadTimeoutException extends EventSourceException {
  private static final long serialVersionUID = 1L;
  private final Duration timeout;

  /** An exception for a connection silent for {@code timeout}. */
  public ReadTimeoutException(Duration timeout) {
    super("no data received for " + timeout.toMillis() + " ms", null);
    this.timeout = timeout;
  }

  /** The read timeout that passed. */
  public Duration timeout() {
    return timeout;
  }
}
