package dev.herald.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code Set-Cookie} value that hands a subscriber token to a browser, as the
 * {@code mercureAuthorization} cookie the hub reads when a request has no {@code Authorization}
 * header (an {@code EventSource} cannot set headers). Defaults: {@code Path=/.well-known/mercure},
 * {@code HttpOnly} (always: page scripts never need the token), {@code Secure}, {@code SameSite=Strict},
 * no {@code Domain} (the cookie goes back only to the host that set it: give the parent domain when
 * the hub is on a sibling host), no {@code Max-Age} (a session cookie; give the token's lifetime).
 *
 * <pre>{@code
 * String jwt = HubTokens.subscriber(secret, List.of("https://example.com/users/42"), Duration.ofHours(1));
 * response.addHeader("Set-Cookie", SubscriberCookie.builder(jwt).domain("example.com")
 *     .maxAge(Duration.ofHours(1)).build().headerValue());
 * }</pre>
 */
public final class SubscriberCookie {
  /** The cookie's name, fixed by the Mercure protocol. */
  public static final String NAME = "mercureAuthorization";
  /** The hub's path. */
  public static final String DEFAULT_PATH = "/.well-known/mercure";

  /** The {@code SameSite} attribute. {@link #NONE} needs {@code Secure}, browsers drop it otherwise. */
  public enum SameSite {
    STRICT("Strict"), LAX("Lax"), NONE("None");

    private final String attribute;

    SameSite(String attribute) {
      this.attribute = attribute;
    }
  }

  private final String headerValue;

  private SubscriberCookie(Builder builder) {
    StringBuilder value = new StringBuilder(NAME).append('=').append(builder.token)
        .append("; Path=").append(builder.path).append("; HttpOnly");
    if (builder.secure) {
      value.append("; Secure");
    }
    value.append("; SameSite=").append(builder.sameSite.attribute);
    if (builder.domain != null) {
      value.append("; Domain=").append(builder.domain);
    }
    if (builder.maxAge != null) {
      value.append("; Max-Age=").append(builder.maxAge.getSeconds());
    }
    headerValue = value.toString();
  }

  /** A builder for a cookie carrying {@code token} (a compact JWS, as {@link HubTokens} mints). */
  public static Builder builder(String token) {
    return new Builder(token);
  }

  /** The value of a {@code Set-Cookie} header. */
  public String headerValue() {
    return headerValue;
  }

  /** The {@code Cookie} request header value a client sends back: {@code mercureAuthorization=<token>}. */
  public static String requestHeaderValue(String token) {
    return NAME + '=' + requireToken(token);
  }

  @Override
  public String toString() {
    return NAME + "=<token>; ..."; // never the token itself: toString ends up in logs
  }

  private static String requireToken(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || !token.chars().allMatch(c -> c == '.' || c == '-' || c == '_'
        || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      throw new IllegalArgumentException("the token must be a compact JWS (base64url parts joined by '.')");
    }
    return token;
  }

  /** Refuses what would end the attribute or split the header: ';', ',', spaces and control chars. */
  private static String requireAttribute(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ',')) {
      throw new IllegalArgumentException(name + " must be non-empty printable ASCII without ';', ',' or spaces: "
          + value.replaceAll("\\p{Cntrl}", "?"));
    }
    return value;
  }

  /** Options of a {@link SubscriberCookie}; not thread-safe. */
  public static final class Builder {
    private final String token;
    private String path = DEFAULT_PATH;
    private String domain;
    private Duration maxAge;
    private SameSite sameSite = SameSite.STRICT;
    private boolean secure = true;

    private Builder(String token) {
      this.token = requireToken(token);
    }

    /** The path the browser sends the cookie to; default {@value #DEFAULT_PATH}. */
    public Builder path(String path) {
      this.path = requireAttribute(path, "path");
      return this;
    }

    /** The domain the cookie is sent to, with its subdomains; default none (only the setting host). */
    public Builder domain(String domain) {
      this.domain = requireAttribute(domain, "domain");
      return this;
    }

    /** How long the browser keeps the cookie (whole seconds); default none, a session cookie. */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = Checks.requireNotNegative(maxAge, "maxAge");
      return this;
    }

    /** Default {@link SameSite#STRICT}. */
    public Builder sameSite(SameSite sameSite) {
      this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
      return this;
    }

    /** Whether the cookie is sent over HTTPS only; default true. False is for plain-HTTP development. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** The cookie; refuses {@code SameSite=None} without {@code Secure}, which browsers would drop. */
    public SubscriberCookie build() {
      if (sameSite == SameSite.NONE && !secure) {
        throw new IllegalArgumentException("SameSite=None needs Secure: browsers drop such a cookie otherwise");
      }
      return new SubscriberCookie(this);
    }
  }
}
