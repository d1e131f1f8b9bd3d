package dev.herald.hub;

import java.util.List;
import java.util.Objects;

/**
 * One published update. The first topic is canonical, the others alternates; {@code id} is
 * {@code null} until the log assigns one; {@code type} and {@code retryMillis} are optional.
 */
public record Update(String id, List<String> topics, String data, boolean isPrivate, String type,
    Long retryMillis) {

  /** Validates the topics; copies the list. */
  public Update {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("an update needs at least one topic");
    }
    Objects.requireNonNull(data, "data");
  }

  /** This update with {@code id}. */
  public Update withId(String id) {
    return new Update(id, topics, data, isPrivate, type, retryMillis);
  }
}
