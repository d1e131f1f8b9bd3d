package dev.herald.client;

import java.net.http.HttpHeaders;

/** The server answered 200 but not with {@code text/event-stream}; the standard then gives up. */
public final class ContentTypeException extends EventSourceException {
  private static final long serialVersionUID = 1L;
  private final String contentType;
  private final transient HttpHeaders headers;

  /** An exception for the content type received ({@code ""} when there was none). */
  public ContentTypeException(String contentType, HttpHeaders headers) {
    super("expected Content-Type text/event-stream but got "
        + (contentType.isEmpty() ? "none" : contentType), null);
    this.contentType = contentType;
    this.headers = headers;
  }

  /** The {@code Content-Type} received, {@code ""} when absent. */
  public String contentType() {
    return contentType;
  }

  /** The response headers. */
  public HttpHeaders headers() {
    return headers;
  }
}
