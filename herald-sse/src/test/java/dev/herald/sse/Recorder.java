package dev.herald.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every parser callback, in order, as comparable values. */
final class Recorder implements EventStreamParser.Listener {
  /** A comment callback. */
  record Comment(String text) {}

  /** A retry callback. */
  record Retry(long millis) {}

  final List<Object> seen = new ArrayList<>();

  @Override
  public void onEvent(SseEvent event) {
    seen.add(event);
  }

  @Override
  public void onComment(String comment) {
    seen.add(new Comment(comment));
  }

  @Override
  public void onRetry(Duration reconnectionTime) {
    seen.add(new Retry(reconnectionTime.toMillis()));
  }
}
