package dev.herald.server;

import java.nio.ByteBuffer;

/**
 * Receives a streamed request body ({@link StreamedRequests}) piece by piece, on the connection's
 * event loop. Exactly one of {@link #onEnd} and {@link #onAbort} ends it.
 */
public interface BodyReceiver {
  /** The next piece of the body; the buffer is only valid during the call. */
  void onData(ByteBuffer data);

  /** The body ended as the request framed it (the last chunk, or its Content-Length reached). */
  void onEnd();

  /**
   * The body will not end: the connection closed, the client sent nothing for the server's idle
   * timeout, or its framing was malformed (a bad chunk; the connection is then closed). What arrived
   * before was passed to {@link #onData}.
   */
  void onAbort(String reason);
}
