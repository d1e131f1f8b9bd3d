package dev.herald.hub;

import dev.herald.log.Update;
import java.util.List;

/**
 * What one subscription wants: updates on a topic its selectors select, and, for private updates,
 * only those its token's {@code subscribe} claim selects too.
 */
record Interest(List<TopicSelector> selectors, List<TopicSelector> claims) {
  boolean wants(Update update, MatchScope scope) {
    return scope.anyMatches(selectors) && (!update.isPrivate() || scope.anyMatches(claims));
  }

  /** Whether matching it may be costly: it holds a URI template. */
  boolean costly() {
    for (TopicSelector selector : selectors) {
      if (selector.isTemplate()) {
        return true;
      }
    }
    return false;
  }
}
