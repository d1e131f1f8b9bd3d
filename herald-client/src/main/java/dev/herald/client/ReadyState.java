package dev.herald.client;

/** The state of an {@link EventSource}, as the WHATWG {@code readyState} defines it. */
public enum ReadyState {
  /** Connecting, or waiting to reconnect. */
  CONNECTING,
  /** A stream is open and events are being dispatched. */
  OPEN,
  /** Closed for good: by {@link EventSource#close()} or by an error that is not retried. */
  CLOSED
}
