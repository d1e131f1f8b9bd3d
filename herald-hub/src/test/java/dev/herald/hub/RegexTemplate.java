package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regular-expression matcher URI templates had before the automaton (kept as the test oracle
 * of {@link TemplateMatcher} on short inputs, where backtracking is harmless).
 *
 * <p>
 * Matches strings against an RFC 6570 URI Template (levels 1 to 4) by compiling it to a regular
 * expression: a string matches when some variable values would expand the template to it.
 *
 * <p>Each expression becomes: nothing (every variable undefined), or the operator's first character
 * followed by variable expansions joined by its separator. A variable's expansion allows what
 * RFC 6570 section 3.2 produces for it: unreserved and %-encoded characters (plus reserved ones for
 * {@code +} and {@code #}), lists joined by {@code ,}, at most {@code n} characters with a prefix
 * modifier {@code :n}, {@code name=value} pairs for exploded associative arrays, and the
 * {@code name=} form of {@code ;}, {@code ?} and {@code &}. The order of the variables inside one
 * expression is not enforced.
 *
 * <p>Adjacent expressions can split a string in many ways, which a backtracking regex engine may try
 * one by one; matching therefore runs on a budget of character reads, and a match that exceeds it
 * counts as no match (fail closed: a subscriber misses the update, a publisher is refused).
 */
final class RegexTemplate {
  private static final String UNRESERVED = "[A-Za-z0-9\\-._~]";
  private static final String RESERVED = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]";
  /** One character of a value: a literal one, or the %-encoded UTF-8 bytes of one character. */
  private static final String ENCODED = "(?:%[0-9A-Fa-f]{2}){1,4}";
  private static final Pattern VARSPEC = Pattern.compile(
      "((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(?::([1-9][0-9]{0,3})|(\\*))?");
  private static final int FIXED_BUDGET = 20_000;
  private static final int BUDGET_PER_CHAR = 200;
  private static final RuntimeException OVER_BUDGET = new RuntimeException("match budget exceeded", null,
      false, false) {
    private static final long serialVersionUID = 1L;
  };

  /** How an operator expands (RFC 6570, appendix A). */
  private enum Operator {
    SIMPLE("", ",", false, false),
    RESERVED_EXPANSION("", ",", false, true),
    FRAGMENT("#", ",", false, true),
    LABEL(".", ".", false, false),
    PATH("/", "/", false, false),
    PARAMETER(";", ";", true, false),
    QUERY("?", "&", true, false),
    CONTINUATION("&", "&", true, false);

    final String first;
    final String separator;
    final boolean named;
    final boolean reserved;

    Operator(String first, String separator, boolean named, boolean reserved) {
      this.first = first;
      this.separator = separator;
      this.named = named;
      this.reserved = reserved;
    }

    static Operator of(char c) {
      return switch (c) {
        case '+' -> RESERVED_EXPANSION;
        case '#' -> FRAGMENT;
        case '.' -> LABEL;
        case '/' -> PATH;
        case ';' -> PARAMETER;
        case '?' -> QUERY;
        case '&' -> CONTINUATION;
        default -> SIMPLE;
      };
    }
  }

  private RegexTemplate() {}

  /** Whether {@code text} holds a template expression at all. */
  static boolean isTemplate(String text) {
    return text.indexOf('{') >= 0;
  }

  /** The template as a pattern matching whole strings; {@link IllegalArgumentException} if malformed. */
  static Pattern compile(String template) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (open < 0) {
        if (close >= 0) {
          throw malformed(template, "'}' without '{'");
        }
        regex.append(Pattern.quote(template.substring(i)));
        break;
      }
      if (close >= 0 && close < open) {
        throw malformed(template, "'}' without '{'");
      }
      if (open > i) {
        regex.append(Pattern.quote(template.substring(i, open)));
      }
      close = template.indexOf('}', open);
      if (close < 0) {
        throw malformed(template, "unclosed '{'");
      }
      regex.append(expression(template, template.substring(open + 1, close)));
      i = close + 1;
    }
    return Pattern.compile(regex.toString());
  }

  /** Whether {@code pattern} matches all of {@code text} within the read budget. */
  static boolean matches(Pattern pattern, String text) {
    try {
      return pattern.matcher(new BudgetedText(text, FIXED_BUDGET + BUDGET_PER_CHAR * text.length())).matches();
    } catch (RuntimeException e) {
      if (e == OVER_BUDGET) {
        return false;
      }
      throw e;
    }
  }

  private static String expression(String template, String body) {
    if (body.isEmpty()) {
      throw malformed(template, "empty expression");
    }
    Operator operator = Operator.of(body.charAt(0));
    String variables = operator == Operator.SIMPLE ? body : body.substring(1);
    List<String> expansions = new ArrayList<>();
    for (String variable : variables.split(",", -1)) {
      Matcher spec = VARSPEC.matcher(variable);
      if (!spec.matches()) {
        throw malformed(template, "bad variable '" + variable + "'");
      }
      expansions.add(variable(operator, spec.group(1), spec.group(2), spec.group(3) != null));
    }
    String any = "(?:" + String.join("|", expansions) + ")";
    return "(?:" + Pattern.quote(operator.first) + any
        + "(?:" + Pattern.quote(operator.separator) + any + ")*)?";
  }

  private static String variable(Operator operator, String name, String prefix, boolean explode) {
    String character = "(?:" + (operator.reserved ? RESERVED : UNRESERVED) + "|" + ENCODED + ")";
    String value = prefix != null
        ? character + "{0," + prefix + "}"
        : "(?:" + character + "|,)*";
    if (explode) {
      // List items or name=value pairs, each joined to the next by the operator's separator,
      // which the enclosing repetition supplies.
      return "(?:" + character + "|=)*";
    }
    if (!operator.named) {
      return value;
    }
    String literalName = Pattern.quote(name);
    return operator == Operator.PARAMETER
        ? literalName + "(?:=" + value + ")?"
        : literalName + "=" + value;
  }

  private static IllegalArgumentException malformed(String template, String why) {
    return new IllegalArgumentException("malformed URI template '" + template + "': " + why);
  }

  /** The topic, counting the regex engine's reads so that a pathological match stops. */
  private static final class BudgetedText implements CharSequence {
    private final String text;
    private int budget;

    BudgetedText(String text, int budget) {
      this.text = text;
      this.budget = budget;
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      if (--budget < 0) {
        throw OVER_BUDGET;
      }
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
