package dev.herald.hub;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches one update's topics against the selectors of every subscriber that may want it, so that
 * the update's total matching cost is bounded whatever subscribers sent: each distinct URI template
 * is matched once per update (identical selectors are one {@link TopicSelector}) and the result
 * shared, and all template matches of the update together spend at most a budget. Once it is spent,
 * the remaining templates fail closed: their subscribers do not get the update, and
 * {@link MatchStats} counts and logs it. {@code *} and exact selectors cost nothing worth counting.
 * Thread-safe: the event loops of one update share its scope.
 */
final class MatchScope {
  /** Default work one update's template matches may spend: about 20 ms of one core, at worst. */
  public static final long DEFAULT_BUDGET = 20_000_000;

  private final List<String> topics;
  private final AtomicLong remaining;
  private final MatchStats stats;
  private volatile ConcurrentHashMap<TopicSelector, Boolean> results;

  /** A scope for an update on {@code topics} that may spend {@code budget} on templates. */
  public MatchScope(List<String> topics, long budget, MatchStats stats) {
    this.topics = topics;
    this.remaining = new AtomicLong(budget);
    this.stats = stats;
  }

  /** Whether any of {@code selectors} selects any of the update's topics. */
  public boolean anyMatches(List<TopicSelector> selectors) {
    for (int i = 0, n = selectors.size(); i < n; i++) {
      if (matches(selectors.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code selector} selects one of the update's topics. */
  public boolean matches(TopicSelector selector) {
    if (!selector.isTemplate()) {
      for (int i = 0, n = topics.size(); i < n; i++) {
        if (selector.matches(topics.get(i))) {
          return true;
        }
      }
      return false;
    }
    ConcurrentHashMap<TopicSelector, Boolean> known = results();
    Boolean result = known.get(selector);
    if (result != null) {
      return result;
    }
    boolean matched = false;
    for (int i = 0, n = topics.size(); i < n && !matched; i++) {
      long budget = remaining.get();
      if (budget <= 0) {
        stats.budgetSpent(selector);
        return false; // not remembered: fail closed for this subscriber, count each one
      }
      String topic = topics.get(i);
      TemplateMatcher.Outcome outcome = selector.match(topic, budget);
      remaining.addAndGet(-outcome.work());
      switch (outcome.result()) {
        case MATCH -> matched = true;
        case OVER_BUDGET -> {
          if (budget < TopicSelector.budgetFor(topic)) {
            stats.budgetSpent(selector);
            return false;
          }
          stats.tooCostly(selector); // over its own per-match budget: no match, remembered
        }
        case NO_MATCH -> { }
      }
    }
    known.put(selector, matched);
    return matched;
  }

  private ConcurrentHashMap<TopicSelector, Boolean> results() {
    ConcurrentHashMap<TopicSelector, Boolean> map = results;
    if (map == null) {
      synchronized (this) {
        map = results;
        if (map == null) {
          map = new ConcurrentHashMap<>();
          results = map;
        }
      }
    }
    return map;
  }
}
