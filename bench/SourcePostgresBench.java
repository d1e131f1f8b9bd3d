// The PostgreSQL outbox source under load (docs/benchmarks.md, "Sources: PostgreSQL outbox"):
//   drain:   ROWS rows waiting in a fresh outbox when `herald serve --source postgresql://...` starts;
//            rows/s from the first row taken to the table drained (a row leaves the table only once
//            the hub's log stored it), and the hub's CPU seconds.
//   latency: one single-row INSERT (autocommit) every 1/RATE s for SECONDS s into a running hub's
//            outbox; a subscriber measures the time from just before the INSERT to the event
//            (the row's data carries System.nanoTime(); inserter and subscriber share this JVM).
// PG_SYNC_COMMIT=off makes the inserting sessions commit without waiting for their WAL flush (when
// the disk cannot take 1,000 flushes a second; the hub's side is the same).
// Run by bench/source-postgresql.sh: java -cp herald.jar bench/SourcePostgresBench.java MODE STORE ...
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

public class SourcePostgresBench {
  static final String JDBC = System.getenv().getOrDefault("PG_JDBC", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String TOPIC = "https://example.com/bench";
  /** BENCH_VIA=http: the rows are POSTed to the hub instead of inserted (a baseline for the same subscriber). */
  static final boolean VIA_HTTP = "http".equals(System.getenv("BENCH_VIA"));
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String SECRET = "bench-secret-that-is-long-enough-123456";
  static final String TOKEN = dev.herald.hub.auth.Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1),
      java.time.Instant.now());

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String store = args[1];
    String jar = args[2];
    String java = args[3];
    String serverCpu = args[4];
    long amount = Long.parseLong(args[5]); // drain: rows; latency: rows per second
    int seconds = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    String table = "bench_outbox_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    int port = 18900 + ThreadLocalRandom.current().nextInt(900);
    Path data = Files.createTempDirectory("herald-pg-bench");
    try (Connection db = DriverManager.getConnection(JDBC, "postgres", "")) {
      exec(db, "CREATE TABLE " + table + " (id bigserial PRIMARY KEY, topic text NOT NULL, data text NOT NULL,"
          + " type text, event_id text, private boolean NOT NULL DEFAULT false,"
          + " created_at timestamptz NOT NULL DEFAULT now())");
      try {
        if (mode.equals("drain")) {
          for (long n = 0; n < amount; n += 10_000) {
            exec(db, "INSERT INTO " + table + " (topic, data) SELECT '" + TOPIC + "', repeat('x', 100)"
                + " FROM generate_series(1, " + Math.min(10_000, amount - n) + ")");
          }
          exec(db, "VACUUM ANALYZE " + table);
        }
        Process hub = serve(java, jar, serverCpu, store, port, data, table);
        try {
          if (mode.equals("drain")) {
            drain(db, table, amount, hub);
          } else {
            latency(db, table, port, (int) amount, seconds, hub);
          }
        } finally {
          hub.destroy();
          hub.waitFor(20, TimeUnit.SECONDS);
        }
      } finally {
        exec(db, "DROP TABLE " + table);
      }
    }
  }

  static Process serve(String java, String jar, String cpu, String store, int port, Path data, String table)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, java, "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(Arrays.asList(System.getenv().getOrDefault("HERALD_JAVA_OPTS",
        "-XX:+UseSerialGC -Xms256m -Xmx1g -XX:+AlwaysPreTouch").split(" ")));
    command.addAll(List.of("-jar", jar, "serve", "--listen", "127.0.0.1:" + port, "--store", store,
        "--durability", "os", "--data-dir", data.toString(), "--retain-events", "1000000",
        "--jwt-secret", SECRET, "--anonymous", "--no-ui", "--log-level", "warn",
        "--source", "postgresql://postgres@127.0.0.1:5432/test?table=" + table));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(data.resolve("herald.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_"));
    Process hub = builder.start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
            HttpResponse.BodyHandlers.discarding());
        return hub;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !hub.isAlive()) {
          throw new IllegalStateException("the hub did not start: " + Files.readString(data.resolve("herald.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  static void drain(Connection db, String table, long rows, Process hub) throws Exception {
    long start = 0;
    long startRows = 0;
    long cpuStart = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      long left = count(db, table);
      long now = System.nanoTime();
      if (start == 0 && left < rows) {
        start = now;
        startRows = left;
        cpuStart = cpuTicks(hub.pid());
      }
      if (left == 0) {
        double secs = (now - start) / 1e9;
        double cpu = (cpuTicks(hub.pid()) - cpuStart) / 100.0;
        System.out.printf("drain rows=%d seconds=%.2f rows_per_s=%.0f hub_cpu_s=%.2f%n", startRows, secs,
            startRows / secs, cpu);
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("not drained in 300 s");
  }

  static void latency(Connection db, String table, int port, int rate, int seconds, Process hub) throws Exception {
    int warmup = rate * 5;
    int total = warmup + rate * seconds;
    long[] micros = new long[total];
    int[] received = {0};
    EventIterator events = EventSource.builder(URI.create("http://127.0.0.1:" + port + "/.well-known/mercure?topic="
        + TOPIC)).iterator();
    Thread subscriber = new Thread(() -> {
      while (received[0] < total) {
        SseEvent event = events.poll(Duration.ofSeconds(10));
        if (event == null) {
          return;
        }
        long at = System.nanoTime();
        String[] parts = event.data().split(" ");
        micros[Integer.parseInt(parts[0])] = (at - Long.parseLong(parts[1])) / 1000;
        received[0]++;
      }
    });
    subscriber.start();
    Thread.sleep(500); // subscribed
    // Four inserting connections (a commit waits for its WAL flush, ~1 ms or more here, so one
    // connection alone cannot keep 1,000 commits a second); row n is due at start + n/RATE s.
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 100_000_000L;
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    long[] cpuStart = {0};
    List<Thread> inserters = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread inserter = new Thread(() -> {
        try (Connection connection = DriverManager.getConnection(JDBC, "postgres", "");
            PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (topic, data) VALUES (?, ?)")) {
          insert.setString(1, TOPIC);
          try (Statement set = connection.createStatement()) { // PG_SYNC_COMMIT=off: commits without waiting for the WAL flush
            set.execute("SET synchronous_commit = " + (System.getenv().getOrDefault("PG_SYNC_COMMIT", "on").equals("off") ? "off" : "on"));
          }
          for (int n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
            long due = start + n * interval;
            long wait;
            // Whole-millisecond sleeps, never early, at most about 1 ms late (lateness is reported). Not
            // sub-millisecond parks or spinning: on this 2-vCPU VM a process waking every 200 µs
            // delays PostgreSQL's NOTIFY to every listener by tens of milliseconds
            // (bench/PgNotifyLatency.java park200us), which is the machine, not the outbox path.
            while ((wait = due - System.nanoTime()) > 0) {
              Thread.sleep((wait + 999_999) / 1_000_000);
            }
            if (n == warmup) {
              cpuStart[0] = cpuTicks(hub.pid()); // the hub's CPU over the measured seconds only
            }
            if (VIA_HTTP) { // the same subscriber, the update POSTed instead: what the client side costs
              String body = "topic=" + java.net.URLEncoder.encode(TOPIC, "UTF-8") + "&data="
                  + java.net.URLEncoder.encode(n + " " + System.nanoTime(), "UTF-8");
              HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/mercure"))
                  .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
              continue;
            }
            insert.setString(2, n + " " + System.nanoTime());
            insert.executeUpdate();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      inserter.start();
      inserters.add(inserter);
    }
    for (Thread inserter : inserters) {
      inserter.join();
    }
    long lateness = (System.nanoTime() - (start + (long) total * interval)) / 1_000_000;
    subscriber.join(30_000);
    events.close();
    double cpu = (cpuTicks(hub.pid()) - cpuStart[0]) / 100.0;
    long[] measured = Arrays.copyOfRange(micros, warmup, total);
    long missing = Arrays.stream(measured).filter(m -> m == 0).count();
    Arrays.sort(measured);
    System.out.printf("latency rate=%d seconds=%d sent=%d received=%d missing=%d p50_ms=%.1f p99_ms=%.1f"
        + " p999_ms=%.1f max_ms=%.1f hub_cpu_s_measured=%.2f inserts_late_by_ms=%d%n", rate, seconds, measured.length, received[0] - warmup, missing,
        pct(measured, 0.50), pct(measured, 0.99), pct(measured, 0.999), measured[measured.length - 1] / 1000.0, cpu, lateness);
  }

  static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000.0;
  }

  static long cpuTicks(long pid) throws Exception {
    String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst(".*\\) ", "").split(" ");
    return Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime + stime (fields 14, 15)
  }

  static long count(Connection db, String table) throws Exception {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  static void exec(Connection db, String sql) throws Exception {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }
}
