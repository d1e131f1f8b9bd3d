package dev.herald.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles an RFC 6570 URI Template (levels 1 to 4) into a {@link TemplateNfa} that accepts the
 * strings some variable values would expand the template to.
 *
 * <p>Each expression accepts: nothing (every variable undefined), or the operator's first character
 * followed by variable expansions joined by its separator. A variable's expansion allows what
 * RFC 6570 section 3.2 produces for it: unreserved and %-encoded characters (plus reserved ones for
 * {@code +} and {@code #}), lists joined by {@code ,}, at most {@code n} characters with a prefix
 * modifier {@code :n} (a %-encoded character, up to four {@code %XX} triplets, counts as one),
 * {@code name=value} pairs for exploded associative arrays, and the {@code name=} form of {@code ;},
 * {@code ?} and {@code &}. The order of the variables inside one expression is not enforced.
 *
 * <p>No regular expression is involved: topics come from publishers and selectors from anonymous
 * subscribers, and a backtracking engine can be made to recurse or loop on either.
 */
final class UriTemplate {
  private static final CharSet UNRESERVED = CharSet.ascii("A-Za-z0-9-._~");
  private static final CharSet RESERVED = CharSet.ascii("A-Za-z0-9-._~:/?#[]@!$&'()*+,;=");
  private static final CharSet HEX = CharSet.ascii("0-9A-Fa-f");
  private static final CharSet PERCENT = CharSet.of('%');
  private static final Pattern VARSPEC = Pattern.compile(
      "((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(?::([1-9][0-9]{0,3})|(\\*))?");
  /** Most %XX triplets in one %-encoded character (four UTF-8 bytes). */
  private static final int MAX_TRIPLETS = 4;

  /** How an operator expands (RFC 6570, appendix A). */
  private enum Operator {
    SIMPLE("", ',', false, false),
    RESERVED_EXPANSION("", ',', false, true),
    FRAGMENT("#", ',', false, true),
    LABEL(".", '.', false, false),
    PATH("/", '/', false, false),
    PARAMETER(";", ';', true, false),
    QUERY("?", '&', true, false),
    CONTINUATION("&", '&', true, false);

    final String first;
    final char separator;
    final boolean named;
    final boolean reserved;

    Operator(String first, char separator, boolean named, boolean reserved) {
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

  private final String template;
  private final TemplateNfa.Builder nfa = new TemplateNfa.Builder();
  private final List<String> literals = new ArrayList<>();
  private int variables;

  private UriTemplate(String template) {
    this.template = template;
  }

  /** Whether {@code text} holds a template expression at all. */
  static boolean isTemplate(String text) {
    return text.indexOf('{') >= 0;
  }

  /** The automaton of {@code template}; {@link IllegalArgumentException} if it is malformed. */
  static TemplateNfa compile(String template) {
    return new UriTemplate(template).build();
  }

  private TemplateNfa build() {
    int state = nfa.start();
    int i = 0;
    int firstOpen = template.indexOf('{');
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (open < 0) {
        if (close >= 0) {
          throw malformed("'}' without '{'");
        }
        state = literal(state, template.substring(i));
        break;
      }
      if (close >= 0 && close < open) {
        throw malformed("'}' without '{'");
      }
      state = literal(state, template.substring(i, open));
      if (open > i) {
        literals.add(template.substring(i, open));
      }
      close = template.indexOf('}', open);
      if (close < 0) {
        throw malformed("unclosed '{'");
      }
      state = expression(state, template.substring(open + 1, close));
      i = close + 1;
    }
    String prefix = firstOpen < 0 ? template : template.substring(0, firstOpen);
    String suffix = template.substring(template.lastIndexOf('}') + 1);
    if (firstOpen > 0) {
      literals.remove(0); // the prefix: checked on its own
    }
    return nfa.finish(state, variables, prefix, suffix, literals);
  }

  private int literal(int from, String text) {
    int state = from;
    for (int i = 0; i < text.length(); i++) {
      int next = nfa.node();
      nfa.edge(state, CharSet.of(text.charAt(i)), next);
      state = next;
    }
    return state;
  }

  /** {@code (first any (separator any)*)?} where {@code any} is one of the variables' expansions. */
  private int expression(int from, String body) {
    if (body.isEmpty()) {
      throw malformed("empty expression");
    }
    Operator operator = Operator.of(body.charAt(0));
    String list = operator == Operator.SIMPLE ? body : body.substring(1);
    int end = nfa.node();
    nfa.epsilon(from, end); // every variable undefined
    int item = operator.first.isEmpty() ? from : literal(from, operator.first);
    if (item == from) {
      item = nfa.node();
      nfa.epsilon(from, item);
    }
    int joined = nfa.node();
    for (String variable : list.split(",", -1)) {
      Matcher spec = VARSPEC.matcher(variable);
      if (!spec.matches()) {
        throw malformed("bad variable '" + variable + "'");
      }
      variables++;
      int prefix = spec.group(2) == null ? 0 : Integer.parseInt(spec.group(2));
      int after = variable(item, operator, spec.group(1), prefix, spec.group(3) != null);
      nfa.epsilon(after, joined);
    }
    nfa.edge(joined, CharSet.of(operator.separator), item);
    nfa.epsilon(joined, end);
    return end;
  }

  private int variable(int from, Operator operator, String name, int prefix, boolean explode) {
    CharSet character = operator.reserved ? RESERVED : UNRESERVED;
    if (explode) {
      // list items or name=value pairs, each joined to the next by the separator of the expression
      return repeated(from, character.with('='));
    }
    int valueStart = from;
    int end = nfa.node();
    if (operator.named) {
      int named = literal(from, name);
      if (operator == Operator.PARAMETER) {
        nfa.epsilon(named, end); // ";name" for an empty value
      }
      valueStart = nfa.node();
      nfa.edge(named, CharSet.of('='), valueStart);
    }
    int valueEnd = prefix > 0 ? prefixed(valueStart, character, prefix) : repeated(valueStart, character.with(','));
    nfa.epsilon(valueEnd, end);
    return end;
  }

  /** Any number of {@code allowed} characters and %XX triplets. */
  private int repeated(int from, CharSet allowed) {
    int loop = nfa.node();
    nfa.epsilon(from, loop);
    nfa.edge(loop, allowed, loop);
    int hex = nfa.node();
    int hex2 = nfa.node();
    nfa.edge(loop, PERCENT, hex);
    nfa.edge(hex, HEX, hex2);
    nfa.edge(hex2, HEX, loop);
    return loop;
  }

  /**
   * At most {@code limit} characters: each a {@code allowed} one or a %-encoded one of one to four
   * triplets. The count lives in the automaton's counter rather than in {@code limit} copies of the
   * states, so {@code {x:9999}} costs what {@code {x:1}} does.
   */
  private int prefixed(int from, CharSet allowed, int limit) {
    int boundary = nfa.counted();
    nfa.epsilon(from, boundary); // entering a counted node starts its count at 0
    nfa.counting(boundary, allowed, boundary, limit);
    int previousTriplet = -1;
    for (int t = 1; t <= MAX_TRIPLETS; t++) {
      int percent = nfa.counted();
      int hex = nfa.counted();
      int triplet = nfa.counted();
      if (t == 1) {
        nfa.counting(boundary, PERCENT, percent, limit); // a new character
      } else {
        nfa.edge(previousTriplet, PERCENT, percent); // more bytes of the same character
      }
      nfa.edge(percent, HEX, hex);
      nfa.edge(hex, HEX, triplet);
      nfa.epsilon(triplet, boundary);
      previousTriplet = triplet;
    }
    int end = nfa.node();
    nfa.epsilon(boundary, end);
    return end;
  }

  private IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException("malformed URI template '" + template + "': " + why);
  }
}
