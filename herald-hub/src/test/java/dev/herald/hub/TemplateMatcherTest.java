package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The automaton matcher of URI templates: the same answers as the regular expressions it replaced,
 * on seeded random templates and topics, for a cost linear in the topic whatever the template.
 */
class TemplateMatcherTest {
  private static final String OPERATORS = " +#./;?&";
  private static final String TOPIC_CHARACTERS = "ab1-._~:/?#[]@!$&'()*+,;=%2F%C3%A9 é";

  @Test
  void agreesWithTheRegularExpressionOnRandomTemplatesAndTopics() {
    Trials.run(3_000, random -> {
      String template = randomTemplate(random);
      TopicSelector selector = TopicSelector.parse(template);
      java.util.regex.Pattern oracle = RegexTemplate.compile(template);
      for (int t = 0; t < 20; t++) {
        String topic = t % 2 == 0 ? expansionOf(template, random) : randomTopic(random);
        if (t % 4 == 3) {
          topic = mutate(topic, random);
        }
        boolean expected = oracle.matcher(topic).matches();
        assertThat(selector.matches(topic)).as("template %s, topic %s", template, topic).isEqualTo(expected);
        assertThat(selector.match(topic, Long.MAX_VALUE).work()).as("work of template %s, topic %s", template, topic)
            .isLessThanOrEqualTo(TopicSelector.budgetFor(topic));
      }
    });
  }

  @Test
  void aTopicCostsAtMostOneTableReadPerCharacterOnceTheAutomatonIsWarm() {
    TopicSelector selector = TopicSelector.parse("https://e.com/{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}Q1");
    String topic = "https://e.com/" + "x".repeat(5_000) + "Q1";
    selector.match(topic, Long.MAX_VALUE); // builds the few states this topic visits
    TemplateMatcher.Outcome warm = selector.match(topic, Long.MAX_VALUE);
    assertThat(warm.result()).isEqualTo(TemplateMatcher.Result.MATCH);
    assertThat(warm.work()).isLessThanOrEqualTo(topic.length() + 100L);
  }

  @Test
  void aVeryLongTopicIsMatchedWithoutRecursion() {
    // the regular expression overflowed the stack on a 3,000-character topic with {+p}
    TopicSelector selector = TopicSelector.parse("https://e.com/{+p}");
    assertThat(selector.matches("https://e.com/" + "x".repeat(3_000))).isTrue();
    assertThat(selector.matches("https://e.com/" + "x/".repeat(200_000))).isTrue();
  }

  @Test
  void aMatchStopsAtItsBudget() {
    TopicSelector selector = TopicSelector.parse("{a}{b}{c}{d}{e}{f}{g}{h}");
    TemplateMatcher.Outcome outcome = selector.match("x".repeat(1_000), 50);
    assertThat(outcome.result()).isEqualTo(TemplateMatcher.Result.OVER_BUDGET);
    assertThat(outcome.work()).isLessThan(50 + 1_000);
  }

  @Test
  void aLongPrefixModifierCostsNoMoreStatesThanAShortOne() {
    TopicSelector selector = TopicSelector.parse("a/{x:9999}");
    assertThat(selector.matches("a/" + "y".repeat(9_999))).isTrue();
    assertThat(selector.matches("a/" + "y".repeat(10_000))).isFalse();
    assertThat(selector.matches("a/" + "%C3%A9".repeat(9_999))).isTrue();
  }

  @Test
  void aPercentEncodedCharacterOfUpToFourTripletsCountsOnceInAPrefix() {
    TopicSelector selector = TopicSelector.parse("a/{x:2}");
    assertThat(selector.matches("a/%F0%9F%98%80b")).isTrue();
    assertThat(selector.matches("a/%F0%9F%98%80%C3%A9")).isTrue();
    assertThat(selector.matches("a/bcd")).isFalse();
    assertThat(selector.matches("a/%C3%A9bc")).isFalse();
  }

  @Test
  void theCacheOfStatesIsBounded() {
    TopicSelector selector = TopicSelector.parse("a/{x:9999}/b");
    String topic = "a/" + "y".repeat(2_000) + "/b";
    assertThat(selector.matches(topic)).isTrue(); // every count is a state: past the cap it steps uncached
    assertThat(selector.matches(topic)).isTrue();
  }

  private static String randomTemplate(SplittableRandom random) {
    StringBuilder template = new StringBuilder("t");
    int parts = 1 + random.nextInt(4);
    for (int p = 0; p < parts; p++) {
      if (random.nextBoolean()) {
        template.append(randomOf(random, "ab/.-=,;?&é", 1 + random.nextInt(3)));
      }
      template.append('{');
      char operator = OPERATORS.charAt(random.nextInt(OPERATORS.length()));
      if (operator != ' ') {
        template.append(operator);
      }
      int variables = 1 + random.nextInt(3);
      for (int v = 0; v < variables; v++) {
        if (v > 0) {
          template.append(',');
        }
        template.append("v").append(random.nextInt(3));
        int modifier = random.nextInt(5);
        if (modifier == 0) {
          template.append('*');
        } else if (modifier == 1) {
          template.append(':').append(1 + random.nextInt(4));
        }
      }
      template.append('}');
    }
    if (random.nextBoolean()) {
      template.append(randomOf(random, "ab/.", 1 + random.nextInt(2)));
    }
    return template.toString();
  }

  /** The template with each expression replaced by random topic text (matching or not). */
  private static String expansionOf(String template, SplittableRandom random) {
    StringBuilder topic = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        topic.append(template, i, template.length());
        break;
      }
      topic.append(template, i, open);
      int close = template.indexOf('}', open);
      String body = template.substring(open + 1, close);
      char first = body.charAt(0);
      if ("+#./;?&".indexOf(first) >= 0 && random.nextInt(4) != 0) {
        topic.append(first == '+' ? "" : String.valueOf(first));
        if (";?&".indexOf(first) >= 0) {
          topic.append("v").append(random.nextInt(3)).append(random.nextBoolean() ? "=" : "");
        }
      }
      topic.append(randomOf(random, "ab1-%2F%C3%A9.,=/", random.nextInt(6)));
      i = close + 1;
    }
    return topic.toString();
  }

  private static String randomTopic(SplittableRandom random) {
    return "t" + randomOf(random, TOPIC_CHARACTERS, random.nextInt(20));
  }

  private static String mutate(String topic, SplittableRandom random) {
    StringBuilder mutated = new StringBuilder(topic);
    int position = mutated.length() == 0 ? 0 : random.nextInt(mutated.length());
    switch (random.nextInt(3)) {
      case 0 -> mutated.insert(position, TOPIC_CHARACTERS.charAt(random.nextInt(TOPIC_CHARACTERS.length())));
      case 1 -> {
        if (mutated.length() > 0) {
          mutated.deleteCharAt(position);
        }
      }
      default -> {
        if (mutated.length() > 0) {
          mutated.setCharAt(position, TOPIC_CHARACTERS.charAt(random.nextInt(TOPIC_CHARACTERS.length())));
        }
      }
    }
    return mutated.toString();
  }

  private static String randomOf(SplittableRandom random, String alphabet, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
