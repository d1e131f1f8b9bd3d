package dev.herald.hub.topic;

import java.util.regex.Pattern;

/**
 * Matches strings against an RFC 6570 URI Template (levels 1 to 4) by compiling it to a regular
 * expression: a string matches when some variable values would expand the template to it. Each
 * operator's expansion decides the characters a value may hold: unreserved and %-encoded for simple
 * ({@code {x}}), label, path, parameter and query expressions; reserved characters too for
 * {@code {+x}} and {@code {#x}}. An expression may expand to nothing, as an undefined variable does.
 */
final class UriTemplate {
  private static final String UNRESERVED = "(?:[A-Za-z0-9\\-._~]|%[0-9A-Fa-f]{2})";
  private static final String RESERVED = "(?:[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})";
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z0-9_.%]+(?::[1-9][0-9]{0,3}|\\*)?");

  private UriTemplate() {}

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

  private static String expression(String template, String body) {
    if (body.isEmpty()) {
      throw malformed(template, "empty expression");
    }
    char operator = body.charAt(0);
    String variables = "+#./;?&".indexOf(operator) >= 0 ? body.substring(1) : body;
    for (String variable : variables.split(",", -1)) {
      if (!VARIABLE.matcher(variable).matches()) {
        throw malformed(template, "bad variable '" + variable + "'");
      }
    }
    switch (operator) {
      case '+':
        return RESERVED + "*";
      case '#':
        return "(?:#" + RESERVED + "*)?";
      case '.':
        return "(?:\\.(?:" + UNRESERVED + "|[.,])*)?";
      case '/':
        return "(?:/(?:" + UNRESERVED + "|[/,])*)?";
      case ';':
        return "(?:;(?:" + UNRESERVED + "|[;=,])*)?";
      case '?':
        return "(?:\\?(?:" + UNRESERVED + "|[&=,])*)?";
      case '&':
        return "(?:&(?:" + UNRESERVED + "|[&=,])*)?";
      default:
        return "(?:" + UNRESERVED + "|,)*";
    }
  }

  private static IllegalArgumentException malformed(String template, String why) {
    return new IllegalArgumentException("malformed URI template '" + template + "': " + why);
  }
}
