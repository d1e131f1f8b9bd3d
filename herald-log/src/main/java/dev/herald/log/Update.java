package dev.herald.log;

import java.util.List;
import java.util.Objects;

/**
 * One published update. The first topic is canonical, the others alternates; {@code id} is
 * {@code null} until the log assigns one; {@code type} and {@code retryMillis} are optional (an empty
 * type is no type, as in SSE, where an empty {@code event:} means the default {@code message}).
 */
public record Update(String id, List<String> topics, String data, boolean isPrivate, String type,
    Long retryMillis) {

  /**
   * Validates the topics (at least one, none with CR or LF, which logs use to join them); copies the
   * list; an empty type becomes {@code null}.
   */
  public Update {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("an update needs at least one topic");
    }
    for (String topic : topics) {
      if (topic.indexOf('\n') >= 0 || topic.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("a topic must not contain CR or LF");
      }
    }
    Objects.requireNonNull(data, "data");
    if (type != null && type.isEmpty()) {
      type = null; // one spelling of "no type": stores that keep "" as absent answer what was given
    }
  }

  /**
   * Whether {@code other} carries the same content (topics in order, data, privacy, type, retry), ids
   * aside: what makes a repeated publish with the same id idempotent rather than a conflict
   * ({@link DuplicateIdException}). Every log applies this rule and no other (the Redis log's script
   * compares the same fields).
   */
  public boolean sameContentAs(Update other) {
    return topics.equals(other.topics) && data.equals(other.data) && isPrivate == other.isPrivate
        && Objects.equals(type, other.type) && Objects.equals(retryMillis, other.retryMillis);
  }

  /** What {@link #bytes()} adds for the objects around the text. */
  static final int OVERHEAD_BYTES = 64;

  /**
   * An estimate of the bytes this update takes in memory and on the wire: the characters of its id,
   * topics, data and type, plus a fixed overhead. It is what every byte bound counts (the recent
   * cache, replay pages), so a thousand large updates weigh what they are, not one each.
   */
  public long bytes() {
    long bytes = OVERHEAD_BYTES + data.length() + (id == null ? 0 : id.length()) + (type == null ? 0 : type.length());
    for (String topic : topics) {
      bytes += topic.length();
    }
    return bytes;
  }

  /** This update with {@code id}. */
  public Update withId(String id) {
    return new Update(id, topics, data, isPrivate, type, retryMillis);
  }
}
