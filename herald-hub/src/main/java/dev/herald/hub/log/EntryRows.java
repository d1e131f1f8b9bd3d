package dev.herald.hub.log;

import dev.herald.log.Entry;
import dev.herald.log.Update;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * Maps entries to rows of the {@code events} table and back. Topics are stored joined by LF, which a
 * topic cannot contain (the hub refuses CR and LF in topics).
 */
final class EntryRows {
  private EntryRows() {}

  static Entry read(ResultSet row) throws SQLException {
    long retry = row.getLong("retry");
    Long retryMillis = row.wasNull() ? null : retry;
    Update update = new Update(row.getString("id"), Arrays.asList(row.getString("topics").split("\n", -1)),
        row.getString("data"), row.getInt("private") != 0, row.getString("type"), retryMillis);
    return new Entry(row.getLong("seq"), update);
  }

  /** Binds seq, id, topics, data, private, type, retry, created_at, size, in that order. */
  static void bind(PreparedStatement insert, long sequence, Update update, long createdAtMillis)
      throws SQLException {
    String topics = String.join("\n", update.topics());
    insert.setLong(1, sequence);
    insert.setString(2, update.id());
    insert.setString(3, topics);
    insert.setString(4, update.data());
    insert.setInt(5, update.isPrivate() ? 1 : 0);
    insert.setString(6, update.type());
    if (update.retryMillis() == null) {
      insert.setNull(7, Types.INTEGER);
    } else {
      insert.setLong(7, update.retryMillis());
    }
    insert.setLong(8, createdAtMillis);
    insert.setLong(9, size(update));
  }

  /** The bytes an update counts for against the size bound: its UTF-8 text. */
  static long size(Update update) {
    long size = update.id().length() + update.data().getBytes(StandardCharsets.UTF_8).length;
    for (String topic : update.topics()) {
      size += topic.getBytes(StandardCharsets.UTF_8).length;
    }
    return size + (update.type() == null ? 0 : update.type().length());
  }
}
