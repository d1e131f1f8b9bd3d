package dev.herald.source.postgresql;

import dev.herald.log.EventLog;
import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * One outbox row and the update it becomes: id {@code event_id} when set, else {@code outbox-<id>};
 * topics the {@code topic} column split on white space (the first canonical); {@code data},
 * {@code type} and {@code private} as they are. A row that cannot become an update (an id the hub's
 * publish endpoint would refuse, no topic, a type with a line break) is refused, never retried.
 */
record OutboxRow(long rowId, String topic, String data, String type, String eventId, boolean isPrivate) {
  /** The longest {@code event_id} taken, as for a streamed publish. */
  static final int MAX_ID_LENGTH = 256;

  /** The update's id. */
  String id() {
    return eventId == null || eventId.isEmpty() ? "outbox-" + rowId : eventId;
  }

  Update toUpdate() throws RefusedMessage {
    String id = id();
    if (eventId != null && !eventId.isEmpty()) {
      if (eventId.startsWith("#")) {
        throw refused("its event_id must not start with '#'");
      }
      if (eventId.length() > MAX_ID_LENGTH) {
        throw refused("its event_id is longer than " + MAX_ID_LENGTH + " characters");
      }
      if (EventLog.EARLIEST.equals(eventId)) {
        throw refused("its event_id must not be 'earliest', which subscribers use to ask for all history");
      }
      if (hasLineBreak(eventId)) {
        throw refused("its event_id must not contain CR or LF");
      }
    }
    List<String> topics = topics(topic);
    if (topics.isEmpty()) {
      throw refused("its topic is empty");
    }
    if (type != null && hasLineBreak(type)) {
      throw refused("its type must not contain CR or LF");
    }
    return new Update(id, topics, data == null ? "" : data, isPrivate, type, null);
  }

  private RefusedMessage refused(String reason) {
    String shown = eventId == null || eventId.length() > 64 || hasLineBreak(eventId) ? "" : " (" + eventId + ")";
    return new RefusedMessage("outbox row " + rowId + shown, reason);
  }

  /** The topic column's white-space-separated topics (no topic can hold CR or LF this way). */
  static List<String> topics(String column) {
    List<String> topics = new ArrayList<>(1);
    if (column == null) {
      return topics;
    }
    int start = -1;
    for (int i = 0; i <= column.length(); i++) {
      boolean space = i == column.length() || isSpace(column.charAt(i));
      if (space && start >= 0) {
        topics.add(column.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return topics;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static boolean hasLineBreak(String text) {
    return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0;
  }
}
