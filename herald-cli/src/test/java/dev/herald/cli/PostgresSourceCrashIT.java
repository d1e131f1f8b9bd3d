package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL outbox across a crash: 10,000 rows are inserted while {@code herald serve --store
 * sqlite --source postgresql://...} consumes them and is killed with SIGKILL at a random moment
 * (seeded; the seed is printed, {@code -Dherald.crash.seed=N} repeats a run); restarted on the same
 * data directory, it drains the rest, and a subscriber replaying from {@code earliest} gets every row
 * exactly once, in the table's order. Needs the local PostgreSQL (database test, user postgres):
 * skipped without it unless {@code HERALD_REQUIRE_SERVICES=1}.
 */
class PostgresSourceCrashIT {
  private static final String SECRET = "crash-test-secret-that-is-long-enough";
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String TOPIC = "https://example.com/crash";
  private static final int ROWS = 10_000;
  private static final Pattern URL = Pattern.compile("url=(https?://\\S+)");

  @Test
  void everyRowOnceInOrderAcrossKillMinus9() throws Exception {
    long seed = Long.getLong("herald.crash.seed", System.nanoTime());
    System.out.println("PostgresSourceCrashIT seed=" + seed + " (-Dherald.crash.seed=" + seed + " repeats it)");
    SplittableRandom random = new SplittableRandom(seed);
    Connection db = connect();
    String schema = "herald_crash_" + Long.toHexString(random.nextLong() >>> 4);
    execute(db, "CREATE SCHEMA " + schema);
    String table = schema + ".outbox";
    String source = "postgresql://postgres@127.0.0.1:5432/test?schema=" + schema + "&table=outbox&poll=200ms";
    Path dataDir = Files.createTempDirectory("herald-pg-crash");
    Process first = null;
    Process second = null;
    try {
      first = serve(dataDir, source);
      awaitTable(db, table);
      long insertSeed = random.nextLong();
      CompletableFuture<List<Long>> inserted = CompletableFuture.supplyAsync(() -> insert(table, insertSeed));
      long killAfter = 300 + random.nextInt(3000);
      Thread.sleep(killAfter);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      System.out.println("PostgresSourceCrashIT killed after " + killAfter + " ms with " + count(db, table)
          + " rows left in the outbox");

      second = serve(dataDir, source);
      List<Long> ids = inserted.get(90, TimeUnit.SECONDS);
      assertThat(ids).hasSize(ROWS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (count(db, table) > 0) {
        assertThat(System.nanoTime() - deadline).as("the restarted hub drains the outbox within 60 s").isNegative();
        Thread.sleep(50);
      }
      List<SseEvent> replayed = replay(endpoint(second));
      assertThat(replayed).extracting(SseEvent::id)
          .as("every row exactly once, in the table's order")
          .containsExactlyElementsOf(ids.stream().map(id -> "outbox-" + id).toList());
      assertThat(replayed).extracting(SseEvent::data)
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, ROWS).mapToObj(String::valueOf).toList());
    } finally {
      for (Process process : new Process[] {first, second}) {
        if (process != null && process.isAlive()) {
          process.destroy();
          process.waitFor(20, TimeUnit.SECONDS);
        }
      }
      execute(db, "DROP SCHEMA " + schema + " CASCADE");
      db.close();
    }
  }

  private static Connection connect() throws SQLException {
    try {
      return DriverManager.getConnection(JDBC, "postgres", "");
    } catch (SQLException e) {
      String message = "no PostgreSQL on 127.0.0.1:5432 (database test, user postgres): " + e.getMessage();
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
      return null;
    }
  }

  /** 10,000 rows (data "0".."9999") in transactions of 1 to 50 rows, about 2,500 rows a second. */
  private static List<Long> insert(String table, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Long> ids = new ArrayList<>(ROWS);
    try (Connection connection = DriverManager.getConnection(JDBC, "postgres", "");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (topic, data)"
            + " SELECT '" + TOPIC + "', s.n::text AS data FROM generate_series(?, ?) AS s(n) ORDER BY s.n RETURNING id")) {
      for (int n = 0; n < ROWS; ) {
        int size = Math.min(ROWS - n, 1 + random.nextInt(50));
        insert.setInt(1, n);
        insert.setInt(2, n + size - 1);
        try (ResultSet result = insert.executeQuery()) {
          while (result.next()) {
            ids.add(result.getLong(1));
          }
        }
        n += size;
        Thread.sleep(size / 3 + 1);
      }
    } catch (SQLException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  private static Process serve(Path dataDir, String source) throws Exception {
    List<String> command = HubProcess.serveCommand("--listen", "127.0.0.1:0", "--jwt-secret", SECRET,
        "--store", "sqlite", "--data-dir", dataDir.toString(), "--source", source);
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectErrorStream(false);
    builder.environment().remove("HERALD_REQUIRE_SERVICES"); // a test variable, not an option of serve
    Process process = builder.start();
    process.getOutputStream().close();
    endpoint(process); // waits for the start line and drains the log from then on
    return process;
  }

  private static final java.util.Map<Process, String> ENDPOINTS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The endpoint the hub logged on start (waiting up to 30 s); its later lines are drained. */
  private static String endpoint(Process process) throws Exception {
    String known = ENDPOINTS.get(process);
    if (known != null) {
      return known;
    }
    BufferedReader log = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    String endpoint = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = log.readLine(); line != null; line = log.readLine()) {
          Matcher matcher = URL.matcher(line);
          if (matcher.find()) {
            return matcher.group(1);
          }
        }
      } catch (java.io.IOException ignored) {
        // ended
      }
      return null;
    }).get(30, TimeUnit.SECONDS);
    assertThat(endpoint).as("the hub started and logged its URL").isNotNull();
    Thread drain = new Thread(() -> {
      try {
        while (log.readLine() != null) {
          // keep the pipe open
        }
      } catch (java.io.IOException ignored) {
        // ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    ENDPOINTS.put(process, endpoint);
    return endpoint;
  }

  private static void awaitTable(Connection db, String table) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Statement statement = db.createStatement();
          ResultSet result = statement.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
        result.next();
        if (result.getBoolean(1)) {
          return;
        }
      }
      assertThat(System.nanoTime() - deadline).as("the hub created the outbox within 30 s").isNegative();
      Thread.sleep(20);
    }
  }

  private static long count(Connection db, String table) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static void execute(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement()) {
      statement.execute(sql);
    }
  }

  private static List<SseEvent> replay(String endpoint) throws Exception {
    List<SseEvent> events = new ArrayList<>();
    try (EventIterator iterator = EventSource.builder(URI.create(endpoint + "?topic=" + TOPIC))
        .header("Authorization", "Bearer " + Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1),
            Instant.now()))
        .lastEventId("earliest").iterator()) {
      for (SseEvent event = iterator.poll(Duration.ofSeconds(10)); event != null && events.size() < ROWS + 100;
          event = iterator.poll(Duration.ofSeconds(3))) {
        events.add(event);
      }
    }
    return events;
  }
}
