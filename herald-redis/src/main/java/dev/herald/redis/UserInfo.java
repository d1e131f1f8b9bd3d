package dev.herald.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code [user:password@]} of a Redis URI, read as Lettuce reads it: {@code user:password} is an
 * ACL user, {@code :password} (or a bare {@code password}) the default user's password, percent
 * escapes decoded. Taken from the raw authority because the Sentinel and Cluster forms list several
 * hosts, which {@link URI} does not parse as a server authority.
 *
 * @param user     the ACL user, or null for the default user
 * @param password the password, or null when the URI has none
 */
record UserInfo(String user, String password) {
  static UserInfo of(URI uri) {
    String authority = uri.getRawAuthority();
    int at = authority == null ? -1 : authority.lastIndexOf('@');
    if (at < 0) {
      return new UserInfo(null, null);
    }
    String raw = authority.substring(0, at);
    int colon = raw.indexOf(':');
    String user = colon <= 0 ? null : decode(raw.substring(0, colon));
    return new UserInfo(user, decode(colon < 0 ? raw : raw.substring(colon + 1)));
  }

  /**
   * For messages and logs: {@code user:***@} (the user says which ACL rules apply, the password stays
   * out), {@code :***@} for the default user's password, or nothing.
   */
  String masked() {
    if (user == null && password == null) {
      return "";
    }
    return (user == null ? "" : user) + ":***@";
  }

  /** Never the password, should a record be logged whole. */
  @Override
  public String toString() {
    return masked();
  }

  private static String decode(String text) {
    // percent escapes only: a + in a password is a plus, not a space as in a form
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
