package dev.herald.source.postgresql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The local PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code postgres}, trust auth) in a
 * schema of its own that {@link #close} drops. Without a server the calling test is skipped, unless
 * {@code HERALD_REQUIRE_SERVICES=1} (set by .ci/run) makes that a failure.
 */
final class TestDatabase implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final String JDBC = "jdbc:postgresql://" + HOST + ":5432/test";

  final String schema;
  final Connection connection;

  private TestDatabase(Connection connection, String schema) {
    this.connection = connection;
    this.schema = schema;
  }

  static TestDatabase open() throws SQLException {
    Connection connection;
    try {
      connection = DriverManager.getConnection(JDBC, "postgres", "");
    } catch (SQLException e) {
      String message = "no PostgreSQL on " + HOST + ":5432 (database test, user postgres): " + e.getMessage();
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
      return null;
    }
    TestDatabase database = new TestDatabase(connection,
        "herald_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4));
    database.execute("CREATE SCHEMA " + database.schema);
    return database;
  }

  /** A source URI on a fresh table of this schema, with these extra parameters ({@code &a=b...}). */
  String uri(String table, String extra) {
    return "postgresql://postgres@" + HOST + ":5432/test?schema=" + schema + "&table=" + table + extra;
  }

  String table(String table) {
    return schema + "." + table;
  }

  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  long count(String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table(table))) {
      result.next();
      return result.getLong(1);
    }
  }

  /** Inserts rows {@code from} to {@code to} (exclusive) with data "n" on topic t, in one transaction; their ids. */
  List<Long> insert(String table, int from, int to) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table(table)
        + " (topic, data) SELECT 'https://example.com/t', s.n::text AS data FROM generate_series(?, ?) AS s(n) ORDER BY s.n RETURNING id")) {
      insert.setInt(1, from);
      insert.setInt(2, to - 1);
      try (ResultSet result = insert.executeQuery()) {
        while (result.next()) {
          ids.add(result.getLong(1));
        }
      }
    }
    return ids;
  }

  /** A connection of its own for a thread that inserts while the test reads. */
  Inserter inserter() throws SQLException {
    return new Inserter(new TestDatabase(DriverManager.getConnection(JDBC, "postgres", ""), schema));
  }

  /** Inserts on its own connection; closing it does not drop the schema. */
  static final class Inserter implements AutoCloseable {
    private final TestDatabase database;

    private Inserter(TestDatabase database) {
      this.database = database;
    }

    List<Long> insert(String table, int from, int to) throws SQLException {
      return database.insert(table, from, to);
    }

    @Override
    public void close() throws SQLException {
      database.connection.close();
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      execute("DROP SCHEMA " + schema + " CASCADE");
    } finally {
      connection.close();
    }
  }
}
