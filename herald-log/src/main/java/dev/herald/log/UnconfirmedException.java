package dev.herald.log;

/**
 * The store kept an update but could not confirm it as durably as it was asked to (for Redis: fewer
 * replicas than required acknowledged it in time). The update is not acknowledged: the publisher
 * is told so (503) and may retry. It may still be delivered, since the store holds it; a retry with
 * the same id cannot store it twice. The message says what could not be confirmed, for the publisher.
 */
public final class UnconfirmedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With {@code message}, e.g. "the update could not be confirmed by 1 replica within 2 s". */
  public UnconfirmedException(String message) {
    super(message);
  }
}
