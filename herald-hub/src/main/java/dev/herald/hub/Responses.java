package dev.herald.hub;

import dev.herald.server.HttpExchange;

/** The hub's error answers: {@code code: message} as text, with a Bearer challenge on 401. */
final class Responses {
  private static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  private Responses() {}

  static void error(HttpExchange exchange, int status, String code, String message, String... headers) {
    exchange.respond(status, TEXT, code + ": " + message + "\n", headers);
  }

  static void unauthorized(HttpExchange exchange, AuthException refusal) {
    // RFC 6750 allows only printable ASCII without " and \ here; parts of a message may come from the
    // token (its alg, kid, claims), and a header must never carry a line break from a client.
    StringBuilder description = new StringBuilder(refusal.getMessage().length());
    for (char c : refusal.getMessage().toCharArray()) {
      description.append(c == '"' ? '\'' : c >= 0x20 && c < 0x7f && c != '\\' ? c : '?');
    }
    error(exchange, 401, refusal.code(), refusal.getMessage(), "WWW-Authenticate",
        "Bearer realm=\"herald\", error=\"" + refusal.code() + "\", error_description=\"" + description + "\"");
  }

  static void text(HttpExchange exchange, String body) {
    exchange.respond(200, TEXT, body);
  }
}
