package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * What a subscription's topic selectors may cost, checked before anything is registered: how many
 * selectors, how long each is, and how many variables a URI template may have ({@code {a,b}} has
 * two). Selectors come from anonymous clients; these limits keep each one's matching cheap, and
 * {@link dev.herald.hub.MatchScope}'s per-update budget bounds what all of them cost together.
 */
record SelectorLimits(int maxSelectors, int maxLength, int maxTemplateVariables) {
  /** Default most topic selectors in one subscription. */
  static final int DEFAULT_MAX_SELECTORS = 100;
  /** Default longest topic selector, in characters. */
  static final int DEFAULT_MAX_LENGTH = 2048;
  /** Default most variables in one URI template selector. */
  static final int DEFAULT_MAX_TEMPLATE_VARIABLES = 10;

  static final SelectorLimits DEFAULTS = new SelectorLimits(DEFAULT_MAX_SELECTORS, DEFAULT_MAX_LENGTH,
      DEFAULT_MAX_TEMPLATE_VARIABLES);

  /** A selector refused, with the error code and message of the 400 answer. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Refused(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** The parsed selectors of {@code texts}, or {@link Refused} naming the first one over a limit. */
  List<TopicSelector> parse(List<String> texts) throws Refused {
    if (texts.isEmpty()) {
      throw new Refused("missing_topic", "give at least one 'topic' query parameter");
    }
    if (texts.size() > maxSelectors) {
      throw new Refused("too_many_topics", "a subscription may have at most " + maxSelectors
          + " topic selectors; this one has " + texts.size());
    }
    List<TopicSelector> selectors = new ArrayList<>(texts.size());
    for (String text : texts) {
      if (text.length() > maxLength) {
        throw new Refused("topic_too_long", "a topic selector may have at most " + maxLength
            + " characters; one has " + text.length());
      }
      TopicSelector selector;
      try {
        selector = TopicSelector.parse(text);
      } catch (IllegalArgumentException malformed) {
        throw new Refused("invalid_topic", malformed.getMessage());
      }
      if (selector.variables() > maxTemplateVariables) {
        throw new Refused("topic_too_complex", "a URI template selector may have at most "
            + maxTemplateVariables + " variables ({a,b} counts two); '" + shortened(text) + "' has "
            + selector.variables());
      }
      selectors.add(selector);
    }
    return selectors;
  }

  private static String shortened(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
