package dev.herald.hub.topic;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A Mercure topic selector: {@code *} (every topic), a URI Template (RFC 6570) that the topic must
 * match, or an exact string. Parsed selectors are cached, as every subscriber and token repeats them.
 */
public final class TopicSelector {
  private static final int CACHE_LIMIT = 10_000;
  private static final ConcurrentHashMap<String, TopicSelector> CACHE = new ConcurrentHashMap<>();
  private static final TopicSelector ANY = new TopicSelector("*", null);

  private final String text;
  private final Pattern template;

  private TopicSelector(String text, Pattern template) {
    this.text = text;
    this.template = template;
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
    CACHE.put(text, selector);
    return selector;
  }

  /** The topic this selector selects exactly, or {@code null} for {@code *} and URI templates. */
  public String exactTopic() {
    return this == ANY || template != null ? null : text;
  }

  /** Whether {@code topic} is selected. */
  public boolean matches(String topic) {
    if (this == ANY) {
      return true;
    }
    return template == null ? text.equals(topic) : UriTemplate.matches(template, topic);
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
