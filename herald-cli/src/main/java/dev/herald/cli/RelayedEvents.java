package dev.herald.cli;

import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source's events, as parsed, re-encoded into the hub's stream ({@code herald relay}): data, type
 * and {@code retry:} as the source sent them.
 *
 * <p>Ids: without an id prefix the source's ids are dropped and the hub gives every event its own. A
 * source's ids are unique in its own stream only (many number from 1 in every response), while the
 * hub's log is shared: kept as they are, a second relay of such a source would be refused as an id
 * conflict. A viewer resumes with the hub's ids either way. With a prefix, an event that set its own
 * id ({@code id:} different from the one before it) is published with prefix + that id; the others
 * (which an {@code EventSource} would give the previous id) get one from the hub.
 */
final class RelayedEvents implements EventStreamParser.Listener {
  private final StreamUpload upload;
  private final String idPrefix;
  private final Runnable hubGone;
  private final AtomicLong relayed = new AtomicLong();
  private String previousId = "";
  private Duration retry;
  private boolean broken;

  /**
   * Events to {@code upload}; {@code idPrefix} null: the hub makes the ids. {@code hubGone} runs once
   * if the hub's connection breaks (the source should stop).
   */
  RelayedEvents(StreamUpload upload, String idPrefix, Runnable hubGone) {
    this.upload = upload;
    this.idPrefix = idPrefix;
    this.hubGone = hubGone;
  }

  /** How many events went to the hub. */
  long relayed() {
    return relayed.get();
  }

  @Override
  public void onEvent(SseEvent event) {
    String ownId = event.id().isEmpty() || event.id().equals(previousId) ? null : event.id();
    previousId = event.id();
    if (broken) {
      return;
    }
    String type = SseEvent.DEFAULT_TYPE.equals(event.type()) ? null : event.type();
    SseEvent relayedEvent = new SseEvent(idPrefix == null || ownId == null ? null : idPrefix + ownId, type,
        event.data(), retry, null);
    retry = null;
    try {
      upload.write(SseEncoder.encode(relayedEvent));
      relayed.incrementAndGet();
    } catch (IOException e) {
      broken = true;
      hubGone.run();
    }
  }

  @Override
  public void onRetry(Duration reconnectionTime) {
    retry = reconnectionTime; // goes with the next event, where the hub takes it
  }
}
