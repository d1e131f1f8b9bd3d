package dev.herald.server;

/**
 * Handles one HTTP request. Called on the connection's event loop: it must not block (no I/O, no
 * waiting); answer through the {@link HttpExchange} before returning, or open a stream.
 */
@FunctionalInterface
public interface RequestHandler {
  /** Answers {@code exchange}; an exception becomes a 500. */
  void handle(HttpExchange exchange) throws Exception;
}
