package dev.herald.hub;

import dev.herald.log.Update;

/** The hub's topic matching: one {@link MatchScope} per update (live or replayed), one budget each. */
final class Matching {
  private final long budget;
  final MatchStats stats = new MatchStats();

  Matching(long budget) {
    this.budget = budget;
  }

  MatchScope scope(Update update) {
    return new MatchScope(update.topics(), budget, stats);
  }

  Dispatched dispatched(Update update) {
    return new Dispatched(update, scope(update));
  }
}
