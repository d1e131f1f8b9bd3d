package dev.herald.source;

/**
 * A message that cannot become an update (its payload is not UTF-8 text, its topic is empty, it is
 * too large). The source acknowledges it with its batch, the runner counts and logs it: refusing it
 * again on every redelivery would stop the source for good.
 */
public final class RefusedMessage extends Exception {
  private static final long serialVersionUID = 1L;

  /** Message {@code id} refused for {@code reason} (a sentence fragment, without the payload). */
  public RefusedMessage(String id, String reason) {
    super("message " + id + " refused: " + reason, null, false, false);
  }
}
