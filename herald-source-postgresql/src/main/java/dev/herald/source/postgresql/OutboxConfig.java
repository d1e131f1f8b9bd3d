package dev.herald.source.postgresql;

import dev.herald.source.SourceUri;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code postgresql://} source URI says: where to connect, which table, how often to poll
 * when no notification comes. Table and schema names are plain lower-case identifiers (they are
 * quoted in every statement all the same), so nothing from the URI reaches SQL as text.
 */
record OutboxConfig(String name, String jdbcUrl, Properties properties, String schema, String table,
    Duration poll, boolean create) {
  static final String DEFAULT_TABLE = "herald_outbox";
  static final String DEFAULT_SCHEMA = "public";
  static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
  static final int DEFAULT_PORT = 5432;

  /** Unquoted PostgreSQL identifiers as the server folds them: lower case, at most 63 bytes. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
      "verify-full");

  static OutboxConfig from(SourceUri uri) {
    String host = uri.host();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("a postgresql source URI names its host: postgresql://user@host:5432/db,"
          + " not " + uri.redacted());
    }
    String database = uri.path();
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("a postgresql source URI names one database as its path:"
          + " postgresql://user@host:5432/db?table=herald_outbox, not " + uri.redacted());
    }
    String table = identifier(uri, "table", DEFAULT_TABLE);
    String schema = identifier(uri, "schema", DEFAULT_SCHEMA);
    Duration poll = uri.duration("poll", DEFAULT_POLL);
    if (poll.compareTo(Duration.ofMillis(10)) < 0 || poll.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("parameter 'poll' must be from 10ms to 1h, not '" + uri.optional("poll") + "'");
    }
    boolean create = uri.bool("create", true);
    String sslMode = uri.optional("sslmode");
    if (sslMode != null && !SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException("parameter 'sslmode' must be one of disable, allow, prefer, require, verify-ca,"
          + " verify-full, not '" + sslMode + "'");
    }
    uri.requireAllUsed();

    Properties properties = new Properties();
    if (uri.user() != null && !uri.user().isEmpty()) {
      properties.setProperty("user", uri.user());
    }
    if (uri.password() != null) {
      properties.setProperty("password", uri.password());
    }
    if (sslMode != null) {
      properties.setProperty("sslmode", sslMode);
    }
    properties.setProperty("ApplicationName", "herald");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "60"); // a query or a read that hangs ends as a failure: reconnect
    String jdbcUrl = "jdbc:postgresql://" + host + ":" + uri.port(DEFAULT_PORT) + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8);
    return new OutboxConfig(uri.redacted(), jdbcUrl, properties, schema, table, poll, create);
  }

  private static String identifier(SourceUri uri, String parameter, String fallback) {
    String value = uri.optional(parameter, fallback);
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException("parameter '" + parameter + "' must be a plain PostgreSQL name (lower-case letters,"
          + " digits and _, not starting with a digit, at most 63 characters), not '" + value + "'");
    }
    return value;
  }

  /** {@code "schema"."table"}. */
  String qualifiedTable() {
    return quote(schema) + "." + quote(table);
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /**
   * The session advisory lock the consuming node holds: the first 8 bytes of
   * SHA-256("herald-outbox:" + schema + "." + table), as a signed bigint.
   */
  long lockKey() {
    return key("herald-outbox:" + schema + "." + table);
  }

  /** The transaction advisory lock under which nodes create the table and trigger, one at a time. */
  long setupKey() {
    return key("herald-outbox-setup:" + schema + "." + table);
  }

  /** The LISTEN/NOTIFY channel of the table's trigger: {@code herald_} and the lock key in hex. */
  String channel() {
    return "herald_" + String.format("%016x", lockKey());
  }

  private static long key(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = (key << 8) | (digest[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
