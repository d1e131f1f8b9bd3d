package dev.herald.server;

import java.util.List;
import java.util.Objects;

/**
 * The past events a subscription starts with, for {@link FanOut#subscribe(HttpExchange, Subscription,
 * History, java.util.concurrent.Executor)}. The fan-out calls {@link #start} and {@link #pageAfter} on
 * a reader thread (never an event loop: they may read storage), one page at a time, and reads the next
 * page only once the previous one reached the socket. Pages are bounded by the bytes asked for, so a
 * replay holds at most one page in memory whatever the size of the history.
 *
 * <p>Sequences are those the fan-out {@link FanOut#publish publishes} with: live events up to the
 * start's last {@link Page#reached()} are left to the history, later ones are delivered live.
 */
public interface History {
  /**
   * The beginning of the replay: the response headers, events to send before the history (e.g. a
   * notice that history does not reach the client's cursor) and the first page, at most
   * {@code maxBytes} of events (but at least one, if any). Throw to refuse: {@link #unavailable}
   * answers.
   */
  Start start(int maxBytes);

  /** The events after {@code sequence} (the previous page's {@link Page#reached()}), at most {@code maxBytes}. */
  Page pageAfter(long sequence, int maxBytes);

  /**
   * On the event loop, when {@link #start} threw: answers the request (by default {@code 503}); the
   * subscription is dropped. A later page that fails closes the stream: the client reconnects.
   */
  default void unavailable(HttpExchange exchange, RuntimeException cause) {
    exchange.respond(503, "text/plain", "the history could not be read; retry shortly\n", "Retry-After", "1");
  }

  /**
   * How a replay starts.
   *
   * @param headers response header names and values, alternating
   * @param prelude encoded events sent before the history (no ids: they do not move the client's cursor)
   * @param first the first page
   */
  record Start(List<String> headers, List<byte[]> prelude, Page first) {
    /** Copies the lists. */
    public Start {
      headers = List.copyOf(headers);
      prelude = List.copyOf(prelude);
      Objects.requireNonNull(first, "first");
      if (headers.size() % 2 != 0) {
        throw new IllegalArgumentException("headers come as name, value pairs");
      }
    }
  }

  /**
   * One page of history.
   *
   * @param events the encoded events (each one complete {@code text/event-stream} event)
   * @param reached the sequence up to which history is covered by this page and the ones before it
   *     (events the subscriber may not see count as covered too)
   * @param more whether history continues after {@code reached}; when not, {@code reached} is where
   *     live delivery takes over
   */
  record Page(List<byte[]> events, long reached, boolean more) {
    /** Copies the list. */
    public Page {
      events = List.copyOf(events);
    }

    /** The bytes of its events. */
    public long bytes() {
      long bytes = 0;
      for (byte[] event : events) {
        bytes += event.length;
      }
      return bytes;
    }
  }
}
