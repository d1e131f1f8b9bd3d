package dev.herald.sse;

/**
 * Thrown by {@link EventStreamParser} when a stream crosses one of its configured limits. The parser
 * has then discarded its buffers and refuses more input until {@link EventStreamParser#endOfStream()};
 * the usual reaction is to drop the connection.
 */
public final class EventStreamLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which limit was crossed. */
  public enum Limit {
    /** One line (field or comment, without its line ending) was longer than the maximum. */
    LINE_LENGTH,
    /** The data of one event (all {@code data:} values plus one LF each) was larger than the maximum. */
    EVENT_SIZE
  }

  private final Limit limit;
  private final int maximum;

  EventStreamLimitException(Limit limit, int maximum) {
    super(describe(limit, maximum));
    this.limit = limit;
    this.maximum = maximum;
  }

  private static String describe(Limit limit, int maximum) {
    return switch (limit) {
      case LINE_LENGTH -> "event stream line longer than the limit of " + maximum + " bytes";
      case EVENT_SIZE -> "event stream event data larger than the limit of " + maximum + " bytes";
    };
  }

  /** The limit that was crossed. */
  public Limit limit() {
    return limit;
  }

  /** The configured maximum, in bytes. */
  public int maximum() {
    return maximum;
  }
}
