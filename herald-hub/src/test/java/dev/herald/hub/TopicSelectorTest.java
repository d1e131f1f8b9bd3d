package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic selectors: {@code *}, exact strings, and RFC 6570 URI templates matched against topics. */
class TopicSelectorTest {

  private static boolean selects(String selector, String topic) {
    return TopicSelector.parse(selector).matches(topic);
  }

  @Nested
  class Star {
    @Test
    void selectsEveryTopic() {
      TopicSelector any = TopicSelector.parse("*");
      assertThat(any.matches("https://example.com/books/1")).isTrue();
      assertThat(any.matches("urn:isbn:0451450523")).isTrue();
      assertThat(any.matches("")).isTrue();
    }
  }

  @Nested
  class Exact {
    @Test
    void selectsOnlyTheSameString() {
      assertThat(selects("https://example.com/books/1", "https://example.com/books/1")).isTrue();
      assertThat(selects("https://example.com/books/1", "https://example.com/books/10")).isFalse();
      assertThat(selects("https://example.com/books/1", "https://example.com/books/")).isFalse();
    }

    @Test
    void isCaseSensitive() {
      assertThat(selects("https://example.com/Books", "https://example.com/books")).isFalse();
    }

    @Test
    void dotIsNotAWildcard() {
      assertThat(selects("a.b", "a.b")).isTrue();
      assertThat(selects("a.b", "aXb")).isFalse();
    }

    @Test
    void queryCharactersAreLiteral() {
      String topic = "https://example.com/a?b=1";
      assertThat(selects(topic, topic)).isTrue();
      assertThat(selects(topic, "https://example.com/ab=1")).isFalse();
    }
  }

  @Nested
  class LiteralPartsOfTemplates {
    @Test
    void regexMetacharactersAreLiteral() {
      String template = "https://example.com/a?b=1&c={c}";
      assertThat(selects(template, "https://example.com/a?b=1&c=2")).isTrue();
      assertThat(selects(template, "https://example.com/ab=1&c=2")).isFalse();
      assertThat(selects(template, "https://example.com/a?bb=1&c=2")).isFalse();
    }

    @Test
    void dotIsNotAWildcard() {
      assertThat(selects("a.b/{x}", "a.b/1")).isTrue();
      assertThat(selects("a.b/{x}", "aXb/1")).isFalse();
    }

    @Test
    void backslashQuoteEndSequenceIsLiteral() {
      String template = "a\\E.*{x}";
      assertThat(selects(template, "a\\E.*1")).isTrue();
      assertThat(selects(template, "a\\Ezz1")).isFalse();
    }

    @Test
    void templateMustMatchTheWholeTopic() {
      String template = "https://example.com/books/{id}";
      assertThat(selects(template, "xhttps://example.com/books/1")).isFalse();
      assertThat(selects(template, "https://example.com/books/1 ")).isFalse();
    }
  }

  @Nested
  class SimpleExpansion {
    private static final String BOOK = "https://example.com/books/{id}";

    @Test
    void matchesOneSegment() {
      assertThat(selects(BOOK, "https://example.com/books/42")).isTrue();
    }

    @Test
    void valueCannotHoldSlash() {
      assertThat(selects(BOOK, "https://example.com/books/42/reviews")).isFalse();
    }

    @Test
    void valueMayHoldUnreservedCharacters() {
      assertThat(selects(BOOK, "https://example.com/books/a-b.c_d~E9")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"?", "#", ":", "@", "&", "=", "+", "!", " "})
    void valueCannotHoldReservedOrUnsafeCharacters(String character) {
      assertThat(selects(BOOK, "https://example.com/books/a" + character + "b")).isFalse();
    }

    @Test
    void valueMayBePercentEncoded() {
      assertThat(selects(BOOK, "https://example.com/books/a%2Fb")).isTrue();
      assertThat(selects(BOOK, "https://example.com/books/caf%C3%a9")).isTrue();
    }

    @Test
    void brokenPercentEncodingDoesNotMatch() {
      assertThat(selects(BOOK, "https://example.com/books/%zz")).isFalse();
      assertThat(selects(BOOK, "https://example.com/books/%2")).isFalse();
    }

    @Test
    void nonAsciiCharactersMustBePercentEncoded() {
      assertThat(selects(BOOK, "https://example.com/books/café")).isFalse();
    }

    @Test
    void valueMayBeEmpty() {
      assertThat(selects(BOOK, "https://example.com/books/")).isTrue();
    }

    @Test
    void severalVariablesAreSeparatedByCommas() {
      assertThat(selects("https://example.com/map/{x,y}", "https://example.com/map/1024,768")).isTrue();
      assertThat(selects("https://example.com/map/{x,y}", "https://example.com/map/1024;768")).isFalse();
    }

    @Test
    void severalExpressionsEachMatchTheirOwnPart() {
      String template = "https://example.com/{type}/{id}";
      assertThat(selects(template, "https://example.com/books/1")).isTrue();
      assertThat(selects(template, "https://example.com/books")).isFalse();
      assertThat(selects(template, "https://example.com/books/1/2")).isFalse();
    }
  }

  @Nested
  class ReservedExpansion {
    @Test
    void valueMayHoldSlashesAndOtherReservedCharacters() {
      String template = "https://example.com/{+path}";
      assertThat(selects(template, "https://example.com/a/b/c?x=1&y=2#f")).isTrue();
      assertThat(selects(template, "https://example.com/")).isTrue();
    }

    @Test
    void valueCannotHoldCharactersOutsideUris() {
      String template = "https://example.com/{+path}";
      assertThat(selects(template, "https://example.com/a b")).isFalse();
      assertThat(selects(template, "https://example.com/<a>")).isFalse();
    }
  }

  @Nested
  class FragmentExpansion {
    private static final String PAGE = "https://example.com/page{#frag}";

    @Test
    void matchesHashThenReservedCharacters() {
      assertThat(selects(PAGE, "https://example.com/page#section/1")).isTrue();
    }

    @Test
    void matchesAnUndefinedFragment() {
      assertThat(selects(PAGE, "https://example.com/page")).isTrue();
    }

    @Test
    void requiresTheHash() {
      assertThat(selects(PAGE, "https://example.com/page/section")).isFalse();
    }
  }

  @Nested
  class LabelExpansion {
    private static final String FILE = "https://example.com/file{.ext}";

    @Test
    void matchesDotPrefixedLabels() {
      assertThat(selects(FILE, "https://example.com/file.json")).isTrue();
      assertThat(selects(FILE, "https://example.com/file.tar.gz")).isTrue();
      assertThat(selects(FILE, "https://example.com/file")).isTrue();
    }

    @Test
    void requiresTheDotAndRefusesSlash() {
      assertThat(selects(FILE, "https://example.com/filejson")).isFalse();
      assertThat(selects(FILE, "https://example.com/file.js/on")).isFalse();
    }
  }

  @Nested
  class PathSegmentExpansion {
    private static final String ROOT = "https://example.com{/segments}";

    @Test
    void matchesSlashPrefixedSegments() {
      assertThat(selects(ROOT, "https://example.com/books")).isTrue();
      assertThat(selects(ROOT, "https://example.com/books/1")).isTrue();
      assertThat(selects(ROOT, "https://example.com")).isTrue();
    }

    @Test
    void requiresTheSlash() {
      assertThat(selects(ROOT, "https://example.combooks")).isFalse();
      assertThat(selects(ROOT, "https://example.com/books?page=1")).isFalse();
    }
  }

  @Nested
  class PathParameterExpansion {
    private static final String MAP = "https://example.com/map{;x,y}";

    @Test
    void matchesSemicolonPrefixedParameters() {
      assertThat(selects(MAP, "https://example.com/map;x=1024;y=768")).isTrue();
      assertThat(selects(MAP, "https://example.com/map")).isTrue();
    }

    @Test
    void refusesOtherPrefixes() {
      assertThat(selects(MAP, "https://example.com/map?x=1024")).isFalse();
      assertThat(selects(MAP, "https://example.com/map;x=1/2")).isFalse();
    }
  }

  @Nested
  class QueryExpansion {
    @Test
    void queryFormStartsTheQuery() {
      String template = "https://example.com/books{?page,lang}";
      assertThat(selects(template, "https://example.com/books?page=2&lang=en")).isTrue();
      assertThat(selects(template, "https://example.com/books")).isTrue();
      assertThat(selects(template, "https://example.com/books/2")).isFalse();
      assertThat(selects(template, "https://example.com/books?page=a/b")).isFalse();
    }

    @Test
    void queryContinuationExtendsAnExistingQuery() {
      String template = "https://example.com/books?lang=en{&page}";
      assertThat(selects(template, "https://example.com/books?lang=en&page=2")).isTrue();
      assertThat(selects(template, "https://example.com/books?lang=en")).isTrue();
      assertThat(selects(template, "https://example.com/books?lang=en?page=2")).isFalse();
    }
  }

  @Nested
  class Modifiers {
    @Test
    void prefixModifierMatchesAShortValue() {
      assertThat(selects("https://example.com/{id:3}", "https://example.com/abc")).isTrue();
    }

    /** RFC 6570 §2.4.1: {@code {var:3}} expands to at most the first 3 characters of the value. */
    @Test
    void prefixModifierRefusesValuesLongerThanThePrefix() {
      assertThat(selects("https://example.com/{id:3}", "https://example.com/abcdef")).isFalse();
    }

    @Test
    void explodedListMatchesItsSeparators() {
      assertThat(selects("https://example.com/{list*}", "https://example.com/red,green,blue")).isTrue();
      assertThat(selects("https://example.com{/list*}", "https://example.com/red/green/blue")).isTrue();
      assertThat(selects("https://example.com/file{.list*}", "https://example.com/file.red.green")).isTrue();
    }

    /** RFC 6570 §3.2.2 example: {@code {keys*}} expands to {@code semi=%3B,dot=.,comma=%2C}. */
    @Test
    void explodedAssociativeArrayMatchesNameValuePairs() {
      assertThat(selects("https://example.com/{keys*}", "https://example.com/semi=%3B,dot=.,comma=%2C"))
          .isTrue();
    }

    /** RFC 6570 §3.2.6 example: {@code {/keys*}} expands to {@code /semi=%3B/dot=./comma=%2C}. */
    @Test
    void explodedAssociativeArrayMatchesNameValuePairsInPathSegments() {
      assertThat(selects("https://example.com{/keys*}", "https://example.com/semi=%3B/dot=./comma=%2C"))
          .isTrue();
    }
  }

  @Nested
  class MalformedTemplates {
    @Test
    void unclosedBraceIsRefused() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/{id"))
          .withMessageContaining("https://example.com/{id").withMessageContaining("unclosed '{'");
    }

    @Test
    void closingBraceAfterAnExpressionIsRefused() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/{id}}"))
          .withMessageContaining("'}' without '{'");
    }

    @Test
    void closingBraceBeforeAnExpressionIsRefused() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/}{id}"))
          .withMessageContaining("'}' without '{'");
    }

    @Test
    void emptyExpressionIsRefused() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/{}"))
          .withMessageContaining("empty expression");
    }

    @Test
    void nestedBraceIsRefused() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/{a{b}}"))
          .withMessageContaining("malformed URI template");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{a b}", "{a-b}", "{+}", "{a,}", "{,a}", "{id:0}", "{id:10000}", "{id:}",
        "{id*3}", "{=x}", "{!x}", "{@x}", "{|x}", "{$x}"})
    void badVariableIsRefused(String expression) {
      String template = "https://example.com/" + expression;
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse(template))
          .withMessageStartingWith("malformed URI template '" + template + "'")
          .withMessageContaining("bad variable");
    }

    @Test
    void badVariableIsNamedInTheMessage() {
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse("https://example.com/{a b}"))
          .withMessage("malformed URI template 'https://example.com/{a b}': bad variable 'a b'");
    }

    /** RFC 6570 §2.3: varname = varchar *( ["."] varchar ), varchar = ALPHA / DIGIT / "_" / pct-encoded. */
    @ParameterizedTest
    @ValueSource(strings = {"{%zz}", "{%}", "{a..b}", "{a.}"})
    void variableNameOutsideTheRfcGrammarIsRefused(String expression) {
      String template = "https://example.com/" + expression;
      assertThatIllegalArgumentException().isThrownBy(() -> TopicSelector.parse(template))
          .withMessageContaining("bad variable");
    }

    @Test
    void closingBraceWithoutAnyExpressionIsAnExactTopic() {
      assertThat(selects("https://example.com/a}", "https://example.com/a}")).isTrue();
    }
  }

  @Nested
  class AnyMatches {
    private final List<TopicSelector> selectors = List.of(TopicSelector.parse("https://example.com/books/{id}"),
        TopicSelector.parse("https://example.com/authors/1"));

    @Test
    void trueWhenOneSelectorSelectsOneTopic() {
      assertThat(TopicSelector.anyMatches(selectors,
          List.of("https://example.com/reviews/1", "https://example.com/authors/1"))).isTrue();
    }

    @Test
    void falseWhenNoSelectorSelectsAnyTopic() {
      assertThat(TopicSelector.anyMatches(selectors,
          List.of("https://example.com/reviews/1", "https://example.com/authors/2"))).isFalse();
    }

    @Test
    void falseWithoutSelectorsOrWithoutTopics() {
      assertThat(TopicSelector.anyMatches(List.of(), List.of("https://example.com/authors/1"))).isFalse();
      assertThat(TopicSelector.anyMatches(List.of(TopicSelector.parse("*")), List.of())).isFalse();
    }
  }

  @Nested
  class Parsing {
    @Test
    void toStringIsTheSelectorAsWritten() {
      assertThat(TopicSelector.parse("https://example.com/{+path}")).hasToString("https://example.com/{+path}");
      assertThat(TopicSelector.parse("*")).hasToString("*");
    }

    @Test
    void repeatedSelectorsAreParsedOnce() {
      assertThat(TopicSelector.parse("https://example.com/cached/{id}"))
          .isSameAs(TopicSelector.parse("https://example.com/cached/{id}"));
    }

    /**
     * Selectors come from subscribers: matching must not backtrack polynomially over adjacent
     * expressions. Five path expressions against a 120-character path topic take seconds.
     */
    @Test
    void adjacentExpressionsDoNotBacktrackCatastrophically() {
      TopicSelector selector = TopicSelector.parse("https://example.com{/a}{/b}{/c}{/d}{/e}!");
      String topic = "https://example.com" + "/a".repeat(50);
      assertTimeoutPreemptively(Duration.ofMillis(500), () -> assertThat(selector.matches(topic)).isFalse());
    }
  }
}
