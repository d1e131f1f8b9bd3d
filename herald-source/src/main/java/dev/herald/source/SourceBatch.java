package dev.herald.source;

import dev.herald.log.Update;
import java.util.List;

/**
 * What one {@link Source#poll} returned: the updates to store, in the source's order, the messages
 * that could not become updates (each with the reason, never the payload), and the source's own
 * record of where the batch ends, for {@link Source#acknowledge}.
 *
 * @param updates the updates, each with its deterministic id
 * @param refused one line per message refused (not valid UTF-8, no topic, ...), for the log
 * @param position what the source needs to acknowledge the batch; {@code null} when nothing came
 */
public record SourceBatch(List<Update> updates, List<String> refused, Object position) {
  /** Nothing came. */
  public static final SourceBatch EMPTY = new SourceBatch(List.of(), List.of(), null);

  /** Copies the lists. */
  public SourceBatch {
    updates = List.copyOf(updates);
    refused = List.copyOf(refused);
  }

  /** The messages the batch stands for: updates and refusals. */
  public int messages() {
    return updates.size() + refused.size();
  }

  /** Whether nothing came. */
  public boolean isEmpty() {
    return messages() == 0;
  }
}
