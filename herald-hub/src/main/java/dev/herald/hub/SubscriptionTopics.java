package dev.herald.hub;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The names of Mercure's active subscriptions: the topic of a subscription event and the URL of its
 * document, {@code /.well-known/mercure/subscriptions/{selector}/{subscriber}} with both parts
 * percent-encoded as an RFC 6570 simple expansion does, and the reserved namespace publishers may not
 * use (they could forge subscription events otherwise).
 */
final class SubscriptionTopics {
  static final String PREFIX = Hub.PATH + "/subscriptions";
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private SubscriptionTopics() {
  }

  /** The topic (and document URL) of {@code subscriber}'s subscription to {@code selector}. */
  static String of(String selector, String subscriber) {
    return collectionOf(selector) + "/" + encode(subscriber);
  }

  /** The URL of the subscriptions to {@code selector}. */
  static String collectionOf(String selector) {
    return PREFIX + "/" + encode(selector);
  }

  /**
   * Whether a subscriber's selector is about subscription events (they come from the presence log,
   * apart from ordinary updates): {@code /.well-known/mercure/subscriptions}, below it, or a template
   * that starts with it such as {@code /.well-known/mercure/subscriptions{/topic}{/subscriber}}.
   */
  static boolean isEventSelector(String selector) {
    return selector.startsWith(PREFIX) && (selector.length() == PREFIX.length()
        || selector.charAt(PREFIX.length()) == '/' || selector.charAt(PREFIX.length()) == '{');
  }

  /**
   * Whether a publisher's topic is in the hub's own namespace: its path, resolved as a URI reference,
   * is {@code /.well-known/mercure} or below, whatever its scheme and host.
   */
  static boolean isReserved(String topic) {
    String path;
    try {
      path = new URI(topic).getRawPath();
    } catch (URISyntaxException notAUri) {
      path = topic;
    }
    if (path == null) {
      return false;
    }
    return path.equals(Hub.PATH) || path.startsWith(Hub.PATH + "/");
  }

  /**
   * The parts of a subscriptions API URL's raw path: {@code []} for the collection of all,
   * {@code [selector]} or {@code [selector, subscriber]}, decoded; {@code null} if it is not one.
   */
  static String[] parse(String rawPath) {
    if (rawPath.equals(PREFIX) || rawPath.equals(PREFIX + "/")) {
      return new String[0];
    }
    if (!rawPath.startsWith(PREFIX + "/")) {
      return null;
    }
    String[] parts = rawPath.substring(PREFIX.length() + 1).split("/", -1);
    if (parts.length > 2 || parts[0].isEmpty() || parts.length == 2 && parts[1].isEmpty()) {
      return null;
    }
    String[] decoded = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      decoded[i] = decode(parts[i]);
      if (decoded[i] == null) {
        return null;
      }
    }
    return decoded;
  }

  /** Percent-encodes every byte of the UTF-8 form but the unreserved characters. */
  static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.write(c);
      } else {
        out.write('%');
        out.write(HEX[c >> 4]);
        out.write(HEX[c & 0xf]);
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** Decodes %-escapes (UTF-8); {@code null} for a broken escape or bytes that are not UTF-8. */
  static String decode(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          return null;
        }
        int high = Character.digit(value.charAt(i + 1), 16);
        int low = Character.digit(value.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        out.write(high << 4 | low);
        i += 2;
      } else if (c > 0x7f) {
        return null; // a raw path is ASCII
      } else {
        out.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
