package dev.herald.log;

/** An update reused the id of a stored update with different content. */
public final class DuplicateIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For {@code id}. */
  public DuplicateIdException(String id) {
    super("an update with id '" + id + "' already exists with other content");
  }
}
