package dev.herald.hub;

import dev.herald.server.HttpExchange;

/**
 * Finds the token of a request where Mercure clients put it, in this order: the
 * {@code Authorization: Bearer} header, the {@code authorization} query parameter, the
 * {@code mercureAuthorization} cookie.
 */
final class TokenLocator {
  private TokenLocator() {}

  /** Where a token was found. */
  public enum Source { HEADER, QUERY, COOKIE }

  /** A token and where it came from. */
  public record Found(String token, Source source) {}

  /** The token, or {@code null} when the request carries none. */
  public static String find(HttpExchange exchange) throws AuthException {
    Found found = locate(exchange);
    return found == null ? null : found.token();
  }

  /** The token with its source, or {@code null} when the request carries none. */
  public static Found locate(HttpExchange exchange) throws AuthException {
    String header = exchange.header("Authorization");
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
        return new Found(header.substring(7).strip(), Source.HEADER);
      }
      throw new AuthException("invalid_request", "the Authorization header must be 'Bearer <token>'");
    }
    String query = exchange.queryParameter("authorization");
    if (query != null && !query.isEmpty()) {
      return new Found(query, Source.QUERY);
    }
    String cookie = exchange.cookie("mercureAuthorization");
    return cookie == null || cookie.isEmpty() ? null : new Found(cookie, Source.COOKIE);
  }
}
