package dev.herald.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic made from a message, such as {@code https://example.com/orders/{key}}: RFC 6570 level 2.
 * {@code {name}} is replaced by the variable's value with every character but the unreserved ones
 * ({@code A-Z a-z 0-9 - . _ ~}) percent-encoded as UTF-8, so a value cannot add path segments or a
 * query; {@code {+name}} keeps reserved characters such as {@code /} (for an MQTT topic or a NATS
 * subject that should read as a path). A variable the message lacks expands to nothing. Variable
 * names are checked when the template is parsed, against those the source defines.
 */
public final class TopicTemplate {
  private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

  private final String text;
  private final List<Object> parts; // String literal or Variable

  private record Variable(String name, boolean reserved) {}

  private TopicTemplate(String text, List<Object> parts) {
    this.text = text;
    this.parts = parts;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException for an unclosed brace, an empty or unknown variable (the message
   *     lists {@code variables}), or a CR or LF
   */
  public static TopicTemplate parse(String text, Set<String> variables) {
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a topic must not contain CR or LF");
    }
    List<Object> parts = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int open = text.indexOf('{', at);
      int close = text.indexOf('}', at);
      if (close >= 0 && (open < 0 || close < open)) {
        throw new IllegalArgumentException("unmatched '}' in topic template '" + text + "'");
      }
      if (open < 0) {
        parts.add(text.substring(at));
        break;
      }
      if (open > at) {
        parts.add(text.substring(at, open));
      }
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' in topic template '" + text + "'");
      }
      String expression = text.substring(open + 1, close);
      boolean reserved = expression.startsWith("+");
      String name = reserved ? expression.substring(1) : expression;
      if (!variables.contains(name)) {
        throw new IllegalArgumentException("unknown variable {" + expression + "} in topic template '" + text
            + "'; this source has " + (variables.isEmpty() ? "none" : "{" + String.join("}, {", variables.stream().sorted().toList()) + "}")
            + " ({+name} keeps '/' and other reserved characters)");
      }
      parts.add(new Variable(name, reserved));
      at = close + 1;
    }
    return new TopicTemplate(text, List.copyOf(parts));
  }

  /** Whether the template has no variable (every message gets the same topic). */
  public boolean isFixed() {
    return parts.stream().noneMatch(Variable.class::isInstance);
  }

  /** The topic for a message whose variables are {@code values} (a missing one expands to nothing). */
  public String expand(Map<String, String> values) {
    StringBuilder topic = new StringBuilder(text.length() + 32);
    for (Object part : parts) {
      if (part instanceof Variable variable) {
        String value = values.get(variable.name());
        if (value != null) {
          encode(value, variable.reserved(), topic);
        }
      } else {
        topic.append((String) part);
      }
    }
    return topic.toString();
  }

  private static void encode(String value, boolean keepReserved, StringBuilder out) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (isUnreserved(b) || (keepReserved && b < 0x80 && RESERVED.indexOf(b) >= 0)) {
        out.append((char) b);
      } else if (keepReserved && b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.append('%'); // an escape already there stays as it is
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
  }

  private static boolean isUnreserved(int b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
        || b == '_' || b == '~';
  }

  private static boolean isHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }

  @Override
  public String toString() {
    return text;
  }
}
