package dev.herald.server;

/**
 * Which requests the server hands to the application while their bodies are still arriving, rather
 * than after collecting them whole under the body size limit: long or endless uploads such as a
 * stream of events. Such a request reaches the {@link RequestHandler} as soon as its head is read;
 * the handler reads its body with {@link HttpExchange#receiveBody}.
 */
@FunctionalInterface
public interface StreamedRequests {
  /**
   * Whether a request's body is streamed to the handler.
   *
   * @param method      the method, upper case as sent
   * @param path        the decoded path, or null when the request target does not decode
   * @param contentType the body's media type essence, lower case ({@code ""} when absent)
   */
  boolean streamsBody(String method, String path, String contentType);
}
