package dev.herald.log;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An update reused the id of a stored update (or of another update of its batch) with different
 * content. "Different" is {@link Update#sameContentAs} being false: the one rule every log applies,
 * through {@link #requireSameContent} and {@link #requireConsistentBatch}.
 */
public final class DuplicateIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For {@code id}. */
  public DuplicateIdException(String id) {
    super("an update with id '" + id + "' already exists with other content");
  }

  /**
   * Accepts {@code repeat} as an idempotent retry of {@code stored} (the update already stored under
   * its id) if it carries the same content.
   *
   * @throws DuplicateIdException if it does not
   */
  public static void requireSameContent(Update stored, Update repeat) {
    if (!stored.sameContentAs(repeat)) {
      throw new DuplicateIdException(repeat.id());
    }
  }

  /**
   * Checks a batch on its own, before anything of it is stored: two of its updates with one id must
   * carry the same content (the batch then stores it once).
   *
   * @throws DuplicateIdException naming the first id used with two contents
   */
  public static void requireConsistentBatch(List<Update> batch) {
    Map<String, Update> byId = null; // most batches are one update without an id: no map
    for (Update update : batch) {
      if (update.id() == null || batch.size() == 1) {
        continue;
      }
      if (byId == null) {
        byId = new HashMap<>();
      }
      Update earlier = byId.putIfAbsent(update.id(), update);
      if (earlier != null) {
        requireSameContent(earlier, update);
      }
    }
  }
}
