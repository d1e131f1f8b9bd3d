package dev.herald.hub;

import dev.herald.hub.auth.AuthException;
import dev.herald.server.HttpExchange;

/** The hub's error answers: {@code code: message} as text, with a Bearer challenge on 401. */
final class Responses {
  private static final String TEXT = "text/plain; charset=utf-8";

  private Responses() {}

  static void error(HttpExchange exchange, int status, String code, String message, String... headers) {
    exchange.respond(status, TEXT, code + ": " + message + "\n", headers);
  }

  static void unauthorized(HttpExchange exchange, AuthException refusal) {
    String description = refusal.getMessage().replace("\"", "'");
    error(exchange, 401, refusal.code(), refusal.getMessage(), "WWW-Authenticate",
        "Bearer realm=\"herald\", error=\"" + refusal.code() + "\", error_description=\"" + description + "\"");
  }

  static void text(HttpExchange exchange, String body) {
    exchange.respond(200, TEXT, body);
  }
}
