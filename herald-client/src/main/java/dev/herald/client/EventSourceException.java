package dev.herald.client;

/**
 * Why a connection of an {@link EventSource} failed. The subclasses say what happened and carry what
 * a caller needs to react: {@link HttpStatusException} (status, headers, the start of the body),
 * {@link ContentTypeException}, {@link ReadTimeoutException}, {@link ConnectionException}. This class
 * itself is used for a stream that crossed the parser's limits (the cause says which).
 */
public class EventSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message and an optional cause. */
  public EventSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
