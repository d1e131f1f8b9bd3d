package dev.herald.source.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the outbox table, its notify function and its statement-level trigger when missing, in one
 * transaction under a transaction advisory lock, so that hubs starting together do not race. Names
 * come from {@link OutboxConfig} (validated identifiers, quoted); nothing else is interpolated.
 */
final class OutboxSchema {
  static final String TRIGGER = "herald_notify";
  static final String FUNCTION = "herald_outbox_notify";

  private OutboxSchema() {}

  static void create(Connection connection, OutboxConfig config) throws SQLException {
    String table = config.qualifiedTable();
    String function = OutboxConfig.quote(config.schema()) + "." + OutboxConfig.quote(FUNCTION);
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + config.setupKey() + ")");
      statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
          + "id bigserial PRIMARY KEY, "
          + "topic text NOT NULL, "
          + "data text NOT NULL, "
          + "type text, "
          + "event_id text, "
          + "private boolean NOT NULL DEFAULT false, "
          + "created_at timestamptz NOT NULL DEFAULT now())");
      if (!exists(connection, "SELECT to_regprocedure(?) IS NOT NULL", function + "()")) {
        statement.execute("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $herald$ "
            + "BEGIN PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $herald$");
      }
      if (!exists(connection, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = '"
          + TRIGGER + "')", table)) {
        statement.execute("CREATE TRIGGER " + TRIGGER + " AFTER INSERT ON " + table
            + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "('" + config.channel() + "')");
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is dropped by the caller
      }
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static boolean exists(Connection connection, String query, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() && result.getBoolean(1);
      }
    }
  }
}
