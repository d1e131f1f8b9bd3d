package dev.herald.client;

import java.net.http.HttpHeaders;

/**
 * The server answered with a status other than 200 (or with 204, which means "stop"). Carries the
 * status, the headers (for {@code Retry-After}, {@code WWW-Authenticate}, ...) and the first
 * kilobytes of the body as text, which usually explains the refusal.
 */
public final class HttpStatusException extends EventSourceException {
  private static final long serialVersionUID = 1L;
  private final int statusCode;
  private final transient HttpHeaders headers;
  private final String body;

  /** An exception for {@code statusCode}, with the response's headers and body text. */
  public HttpStatusException(int statusCode, HttpHeaders headers, String body) {
    super(describe(statusCode, body), null);
    this.statusCode = statusCode;
    this.headers = headers;
    this.body = body;
  }

  private static String describe(int statusCode, String body) {
    String firstLine = body.strip().lines().findFirst().orElse("");
    if (firstLine.length() > 200) {
      firstLine = firstLine.substring(0, 200) + "...";
    }
    return "HTTP " + statusCode + (firstLine.isEmpty() ? "" : ": " + firstLine);
  }

  /** The response status. */
  public int statusCode() {
    return statusCode;
  }

  /** The response headers. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The start of the response body as UTF-8 text ({@code ""} when empty). */
  public String body() {
    return body;
  }
}
