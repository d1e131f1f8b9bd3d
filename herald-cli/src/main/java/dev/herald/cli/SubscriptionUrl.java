package dev.herald.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The URL {@code herald subscribe} connects to, as typed: either a whole URL, in which characters a
 * URI may not hold (the braces of a topic selector such as {@code https://example.com/books/{id}},
 * spaces, non-ASCII) are percent-encoded and everything else is kept as written; or a hub URL and
 * topic selectors, each encoded as one {@code topic} query parameter.
 */
final class SubscriptionUrl {
  /** Every character an RFC 3986 URI may hold literally, {@code %} included (escapes are kept). */
  private static final String URI_CHARACTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";

  private SubscriptionUrl() {
  }

  /**
   * A typed URL as a {@link URI}, percent-encoding (UTF-8) each character a URI may not hold.
   *
   * @throws IllegalArgumentException if it is still no URI, or not absolute
   */
  static URI parse(String typed) {
    StringBuilder encoded = new StringBuilder(typed.length() + 16);
    typed.codePoints().forEach(c -> {
      if (c < 128 && URI_CHARACTERS.indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
          encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
      }
    });
    URI uri;
    try {
      uri = new URI(encoded.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + typed + " (" + e.getReason() + ")");
    }
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("URL must be absolute: " + typed);
    }
    return uri;
  }

  /** The hub URL with one {@code topic} query parameter per selector, after any query it already has. */
  static URI of(String hub, List<String> topics) {
    StringBuilder url = new StringBuilder(parse(hub).toString());
    int fragment = url.indexOf("#");
    if (fragment >= 0) {
      url.setLength(fragment);
    }
    for (String topic : topics) {
      char last = url.charAt(url.length() - 1);
      if (last != '?' && last != '&') {
        url.append(url.indexOf("?") < 0 ? '?' : '&');
      }
      // URLEncoder writes a space as '+'; %20 means a space to every query decoder.
      url.append("topic=").append(URLEncoder.encode(topic, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(url.toString());
  }
}
