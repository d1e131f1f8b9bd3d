package dev.herald.source;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A source URI such as {@code kafka://localhost:9092?topics=orders&topic=https://example.com/{key}}:
 * scheme, user info, host, port, path, and query parameters, percent-decoded (so a {@code #} or
 * {@code +} in a value is written {@code %23} or {@code %2B}; {@code +} alone stays {@code +}).
 * Connectors read the parameters they know and then call {@link #requireAllUsed}, so a misspelt
 * parameter is an error, never silently ignored. {@link #redacted} is the URI to show anywhere.
 */
public final class SourceUri {
  private static final Set<String> SECRET_PARAMETERS = Set.of("password", "token", "secret", "pass");

  private final URI uri; // without the query, which java.net.URI would refuse for a template's braces
  private final String rawQuery;
  private final String scheme;
  private final Map<String, List<String>> parameters;
  private final Set<String> used = new HashSet<>();

  private SourceUri(URI uri, String rawQuery, Map<String, List<String>> parameters) {
    this.uri = uri;
    this.rawQuery = rawQuery;
    this.scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    this.parameters = parameters;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not an absolute URI with a host, or has a fragment
   */
  public static SourceUri parse(String text) {
    // The query is split off by hand: topic templates put braces in it, which java.net.URI refuses.
    int mark = text.indexOf('?');
    String query = mark < 0 ? null : text.substring(mark + 1);
    URI uri;
    try {
      uri = new URI(mark < 0 ? text : text.substring(0, mark));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a source URI: " + e.getMessage());
    }
    if (uri.getRawFragment() != null || (query != null && query.indexOf('#') >= 0)) {
      throw new IllegalArgumentException("a '#' in a source URI starts a fragment; write it %23 in a parameter (MQTT's"
          + " multi-level wildcard is filter=sensors/%23)");
    }
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("a source URI looks like scheme://host[:port][/path][?parameters], not '"
          + redact(uri, query) + "'");
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = decode(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return new SourceUri(uri, query, parameters);
  }

  /** The scheme, lower case. */
  public String scheme() {
    return scheme;
  }

  /** The host, or {@code null}. */
  public String host() {
    return uri.getHost();
  }

  /** The port, or {@code defaultPort} when the URI names none. */
  public int port(int defaultPort) {
    return uri.getPort() < 0 ? defaultPort : uri.getPort();
  }

  /** The path without its leading slash, percent-decoded; empty when there is none. */
  public String path() {
    String path = uri.getPath();
    return path == null || path.isEmpty() ? "" : path.substring(1);
  }

  /** The user of the user info, or {@code null}. */
  public String user() {
    String info = uri.getUserInfo();
    if (info == null) {
      return null;
    }
    int colon = info.indexOf(':');
    return colon < 0 ? info : info.substring(0, colon);
  }

  /** The password of the user info, or {@code null}. */
  public String password() {
    String info = uri.getUserInfo();
    int colon = info == null ? -1 : info.indexOf(':');
    return colon < 0 ? null : info.substring(colon + 1);
  }

  /** The one value of parameter {@code name}, or {@code null}; a repeated parameter is an error. */
  public String optional(String name) {
    List<String> values = values(name);
    if (values.size() > 1) {
      throw new IllegalArgumentException("parameter '" + name + "' is given " + values.size() + " times in " + redacted());
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** The one value of parameter {@code name}, or {@code fallback}. */
  public String optional(String name, String fallback) {
    String value = optional(name);
    return value == null ? fallback : value;
  }

  /** The one value of parameter {@code name}, which must be given and not empty. */
  public String required(String name) {
    String value = optional(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("parameter '" + name + "' is required in " + redacted());
    }
    return value;
  }

  /** Every value of parameter {@code name}, in order (empty when absent). */
  public List<String> values(String name) {
    used.add(name);
    return parameters.getOrDefault(name, List.of());
  }

  /** Parameter {@code name} as an integer in [{@code min}, {@code max}], or {@code fallback}. */
  public int integer(String name, int fallback, int min, int max) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("parameter '" + name + "' must be a whole number from " + min + " to " + max
        + ", not '" + value + "'");
  }

  /** Parameter {@code name} as {@code true}/{@code false} (also on/off, yes/no, 1/0), or {@code fallback}. */
  public boolean bool(String name, boolean fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    Boolean parsed = parseBoolean(value);
    if (parsed == null) {
      throw new IllegalArgumentException("parameter '" + name + "' must be true or false, not '" + value + "'");
    }
    return parsed;
  }

  /** {@code text} as a boolean (true/false, on/off, yes/no, 1/0, any case), or {@code null}. */
  static Boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes", "1" -> Boolean.TRUE;
      case "false", "off", "no", "0" -> Boolean.FALSE;
      default -> null;
    };
  }

  /** Parameter {@code name} as a duration ({@code 500ms}, {@code 2s}, {@code 1m}, ISO-8601), or {@code fallback}. */
  public Duration duration(String name, Duration fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      String lower = value.toLowerCase(Locale.ROOT);
      if (lower.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
      } else if (lower.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1)));
      } else if (lower.endsWith("m") && !lower.startsWith("p")) {
        return Duration.ofMinutes(Long.parseLong(lower.substring(0, lower.length() - 1)));
      }
      return Duration.parse(value);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("parameter '" + name + "' must be a duration such as 500ms, 2s or 1m, not '"
          + value + "'");
    }
  }

  /**
   * Fails if the URI has a parameter nobody read.
   *
   * @throws IllegalArgumentException naming the unknown parameters and those {@code known}
   */
  public void requireAllUsed() {
    List<String> unknown = new ArrayList<>();
    for (String name : parameters.keySet()) {
      if (!used.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      List<String> known = new ArrayList<>(used);
      known.sort(null);
      throw new IllegalArgumentException("unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " in " + redacted() + " (a " + scheme + " source takes " + String.join(", ", known) + ")");
    }
  }

  /** The URI with its password and secret parameters replaced by {@code ***}. */
  public String redacted() {
    return redact(uri, rawQuery);
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String redact(URI uri, String query) {
    String text = uri.toString();
    String info = uri.getRawUserInfo();
    if (info != null && info.indexOf(':') >= 0) {
      text = text.replace(info + "@", info.substring(0, info.indexOf(':')) + ":***@");
    }
    if (query != null) {
      StringBuilder masked = new StringBuilder();
      for (String pair : query.split("&", -1)) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        masked.append(masked.length() == 0 ? "" : "&")
            .append(equals >= 0 && SECRET_PARAMETERS.contains(decode(name).toLowerCase(Locale.ROOT)) ? name + "=***" : pair);
      }
      text = text + "?" + masked;
    }
    return text;
  }

  /** Percent-decoding as UTF-8; a {@code +} stays a {@code +} (this is not a form). */
  private static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else if (c == '%') {
        throw new IllegalArgumentException("'%' must start an escape such as %23 in a source URI: " + text);
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(encoded);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
