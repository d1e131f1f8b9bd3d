package dev.herald.sse;

import java.time.Duration;
import java.util.Objects;

/**
 * One Server-Sent Event: what an encoder writes and what a parser dispatches.
 *
 * <p>Every component is optional ({@code null} = the field is not written). A value that cannot be
 * framed on the wire is rejected at construction with an {@link IllegalArgumentException} naming the
 * field: CR, LF or NUL in {@code id}; CR or LF in {@code type}; a negative {@code retry}. {@code data}
 * and {@code comment} may contain any characters: line breaks (CR, LF, CRLF) split them into one
 * {@code data:} or {@code :} line each.
 *
 * <p>An event dispatched by {@link EventStreamParser} always has a non-null {@code type} (default
 * {@code "message"}), {@code data} and {@code id} (the stream's last event ID, {@code ""} when none),
 * and a null {@code retry} and {@code comment}, as the WHATWG {@code MessageEvent} does.
 *
 * @param id the {@code id:} field; {@code ""} resets the receiver's last event ID
 * @param type the {@code event:} field, the event's name
 * @param data the payload; {@code null} writes no {@code data:} line (an event without data is not
 *     dispatched by receivers, but its {@code id} still takes effect)
 * @param retry the {@code retry:} field, the receiver's reconnection time (written in milliseconds)
 * @param comment text written as {@code :} comment lines before the fields (receivers ignore it)
 */
public record SseEvent(String id, String type, String data, Duration retry, String comment) {

  /** The type a receiver gives an event that has no (or an empty) {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  /** Validates that the event can be framed; see the class documentation. */
  public SseEvent {
    if (id != null) {
      rejectLineBreaks("id", id, true);
    }
    if (type != null) {
      rejectLineBreaks("type", type, false);
    }
    if (retry != null) {
      requireEncodableRetry(retry);
    }
  }

  /** An event with only {@code data}. */
  public static SseEvent of(String data) {
    return new SseEvent(null, null, Objects.requireNonNull(data, "data"), null, null);
  }

  /** An event with an {@code event:} type and {@code data}. */
  public static SseEvent of(String type, String data) {
    return new SseEvent(null, Objects.requireNonNull(type, "type"),
        Objects.requireNonNull(data, "data"), null, null);
  }

  /** A comment-only event, such as a heartbeat; receivers dispatch nothing for it. */
  public static SseEvent comment(String text) {
    return new SseEvent(null, null, null, null, Objects.requireNonNull(text, "comment"));
  }

  /** A builder starting with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this event's fields. */
  public Builder toBuilder() {
    return new Builder().id(id).type(type).data(data).retry(retry).comment(comment);
  }

  private static void requireEncodableRetry(Duration retry) {
    if (retry.isNegative()) {
      throw new IllegalArgumentException("retry must not be negative: " + retry);
    }
    try {
      retry.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("retry is too large to write in milliseconds: " + retry, e);
    }
  }

  private static void rejectLineBreaks(String field, String value, boolean rejectNul) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new IllegalArgumentException(
            field + " must not contain CR or LF (found at index " + i + ")");
      }
      if (rejectNul && c == '\0') {
        throw new IllegalArgumentException(field + " must not contain NUL (found at index " + i + ")");
      }
    }
  }

  /** Builds an {@link SseEvent}; every field starts unset. */
  public static final class Builder {
    private String id;
    private String type;
    private String data;
    private Duration retry;
    private String comment;

    private Builder() {}

    /** Sets the {@code id:} field ({@code null} = not written). */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets the {@code event:} field ({@code null} = not written). */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** Sets the payload ({@code null} = no {@code data:} line). */
    public Builder data(String data) {
      this.data = data;
      return this;
    }

    /** Sets the {@code retry:} field ({@code null} = not written). */
    public Builder retry(Duration retry) {
      this.retry = retry;
      return this;
    }

    /** Sets the {@code retry:} field in milliseconds. */
    public Builder retryMillis(long millis) {
      return retry(Duration.ofMillis(millis));
    }

    /** Sets the comment ({@code null} = none). */
    public Builder comment(String comment) {
      this.comment = comment;
      return this;
    }

    /** The event; throws {@link IllegalArgumentException} if it cannot be framed. */
    public SseEvent build() {
      return new SseEvent(id, type, data, retry, comment);
    }
  }
}
