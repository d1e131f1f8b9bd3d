package dev.herald.client;

/**
 * Connecting failed, or an open stream ended. The cause is the I/O error; it is {@code null} when
 * the server ended the response normally, which the standard also treats as "reconnect".
 */
public final class ConnectionException extends EventSourceException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message and the I/O error, if any. */
  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the server ended the stream normally (no I/O error). */
  public boolean endedByServer() {
    return getCause() == null;
  }
}
