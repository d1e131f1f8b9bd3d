package dev.herald.hub;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Mercure topic selector: {@code *} (every topic), a URI Template (RFC 6570) that the topic must
 * match, or an exact string. Parsed selectors are cached, as every subscriber and token repeats
 * them: identical selectors are one object, compiled once, sharing one matcher.
 *
 * <p>Matching a template costs time linear in the topic's length and never recurses, whatever the
 * template and the topic (see {@link #matches}); {@link MatchScope} matches many subscribers'
 * selectors against one update within a total budget.
 */
final class TopicSelector {
  /** Work one {@link #matches} may spend regardless of the topic's length. */
  static final long FIXED_BUDGET = 20_000;
  /** Work one {@link #matches} may spend per character of the topic. */
  static final long BUDGET_PER_CHAR = 200;
  private static final int CACHE_LIMIT = 10_000;
  private static final ConcurrentHashMap<String, TopicSelector> CACHE = new ConcurrentHashMap<>();
  private static final TopicSelector ANY = new TopicSelector("*", null);

  private final String text;
  private final TemplateMatcher template;
  private final int variables;

  private TopicSelector(String text, TemplateNfa nfa) {
    this.text = text;
    this.template = nfa == null ? null : new TemplateMatcher(nfa);
    this.variables = nfa == null ? 0 : nfa.variables();
  }

  /**
   * The selector written as {@code text}.
   *
   * @throws IllegalArgumentException if it is a malformed URI template
   */
  public static TopicSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.equals("*")) {
      return ANY;
    }
    TopicSelector cached = CACHE.get(text);
    if (cached != null) {
      return cached;
    }
    TopicSelector selector = new TopicSelector(text,
        UriTemplate.isTemplate(text) ? UriTemplate.compile(text) : null);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear(); // crude, but bounded: a flood of distinct selectors cannot grow memory
    }
    TopicSelector raced = CACHE.putIfAbsent(text, selector);
    return raced != null ? raced : selector;
  }

  /** The topic this selector selects exactly, or {@code null} for {@code *} and URI templates. */
  public String exactTopic() {
    return this == ANY || template != null ? null : text;
  }

  /** Whether this is a URI template (matching it is the costly case). */
  public boolean isTemplate() {
    return template != null;
  }

  /** The variables of a URI template ({@code {a,b}} counts two); 0 for other selectors. */
  public int variables() {
    return variables;
  }

  /**
   * Whether {@code topic} is selected. A template match that would cost more than
   * {@code 20,000 + 200 x the topic's length} steps counts as no match (fail closed: a subscriber
   * misses the update, a publisher is refused); a cached automaton spends one step a character.
   */
  public boolean matches(String topic) {
    if (this == ANY) {
      return true;
    }
    if (template == null) {
      return text.equals(topic);
    }
    return template.match(topic, budgetFor(topic)).result() == TemplateMatcher.Result.MATCH;
  }

  /** A template's match of {@code topic} within {@code budget} (at most the per-match budget). */
  TemplateMatcher.Outcome match(String topic, long budget) {
    return template.match(topic, Math.min(budget, budgetFor(topic)));
  }

  /** The most one match of {@code topic} may spend. */
  static long budgetFor(String topic) {
    return FIXED_BUDGET + BUDGET_PER_CHAR * topic.length();
  }

  /** Whether any of {@code selectors} selects any of {@code topics}. */
  public static boolean anyMatches(Collection<TopicSelector> selectors, Collection<String> topics) {
    for (TopicSelector selector : selectors) {
      for (String topic : topics) {
        if (selector.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The selector as written. */
  @Override
  public String toString() {
    return text;
  }
}
