package dev.herald.redis;

import dev.herald.log.Entry;
import dev.herald.log.Update;
import io.lettuce.core.StreamMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Maps updates to stream entries and back. The entry id is {@code <sequence>-0}; the fields are
 * {@code id}, {@code topics} (joined by LF, which no topic contains), {@code data}, {@code private},
 * {@code at} (ms) and, when set, {@code type} and {@code retry}.
 */
final class StreamEntries {
  private StreamEntries() {}

  /** The sequence of a stream entry id {@code <sequence>-0}. */
  static long sequence(String streamId) {
    int dash = streamId.indexOf('-');
    return Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
  }

  static Entry entry(StreamMessage<String, String> message) {
    Map<String, String> fields = message.getBody();
    String retry = fields.get("retry");
    Update update = new Update(fields.get("id"), Arrays.asList(fields.get("topics").split("\n", -1)),
        fields.get("data"), "1".equals(fields.get("private")), fields.get("type"),
        retry == null ? null : Long.valueOf(retry));
    return new Entry(sequence(message.getId()), update);
  }

  /** When the entry was stored (ms since the epoch), or -1 if unknown. */
  static long storedAt(StreamMessage<String, String> message) {
    String at = message.getBody().get("at");
    return at == null ? -1 : Long.parseLong(at);
  }

  /** The script's 7 arguments for one update (see append.lua). */
  static void addArguments(List<String> argv, Update update, boolean chosen) {
    argv.add(update.id());
    argv.add(chosen ? "1" : "0");
    argv.add(String.join("\n", update.topics()));
    argv.add(update.data());
    argv.add(update.isPrivate() ? "1" : "0");
    argv.add(update.type() == null ? "" : update.type());
    argv.add(update.retryMillis() == null ? "" : Long.toString(update.retryMillis()));
  }
}
