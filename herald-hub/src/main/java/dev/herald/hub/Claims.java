package dev.herald.hub;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token allows: the {@code mercure.publish} and {@code mercure.subscribe} selectors,
 * the {@code mercure.payload} (kept opaque), and when the token expires ({@code null}: never).
 */
record Claims(List<TopicSelector> publish, List<TopicSelector> subscribe, Object payload,
    Instant expiresAt) {

  /** The claims of an anonymous subscriber: no private updates, nothing to publish. */
  public static final Claims ANONYMOUS = new Claims(List.of(), List.of(), null, null);
}
