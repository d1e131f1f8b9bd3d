package dev.herald.client;

import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;

/**
 * Receives what an {@link EventSource} sees. Callbacks of one source never overlap and arrive in
 * order; none arrives after {@link EventSource#close()} has returned. They run on the HTTP client's
 * threads: return quickly, and never block waiting for a thread that may be closing this source.
 * Only {@link #onEvent} is required.
 */
@FunctionalInterface
public interface EventSourceListener {
  /** A stream opened: status 200 with a {@code text/event-stream} body. */
  default void onOpen(HttpResponse.ResponseInfo response) {}

  /**
   * An event was dispatched: {@code type} is {@code "message"} unless named, {@code id} is the last
   * event ID ({@code ""} when none).
   */
  void onEvent(SseEvent event);

  /** A comment line, such as a heartbeat, without the colon and one following space. */
  default void onComment(String comment) {}

  /**
   * A connection failed or ended. With {@code willRetry} the source is reconnecting (ready state
   * {@link ReadyState#CONNECTING}); without it, it has closed for good and {@link #onClosed} follows.
   */
  default void onError(EventSourceException error, boolean willRetry) {}

  /** The source closed for good; called exactly once, and last. */
  default void onClosed() {}
}
