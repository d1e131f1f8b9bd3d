package dev.herald.source.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceRunner;
import dev.herald.source.Sources;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox source against the local PostgreSQL: mapping, order, notifications, reconnects, lag. */
class PostgresSourceTest {
  private TestDatabase db;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    db = TestDatabase.open();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (db != null) {
      db.close();
    }
  }

  private Source source(String table, String extra) {
    Source source = Sources.open(db.uri(table, extra));
    closing.add(source);
    return source;
  }

  private SourceRunner run(Source source, EventLog log) {
    SourceRunner runner = SourceRunner.start(source, log, 1 << 20, 500, Duration.ofMillis(200), Duration.ofMillis(10),
        Duration.ofMillis(200));
    closing.add(runner);
    return runner;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what + " within 30 s").isNegative();
      Thread.sleep(5);
    }
  }

  static List<Update> updates(EventLog log) {
    return log.readAfter(EventLog.EARLIEST, 100_000).entries().stream().map(Entry::update).toList();
  }

  private long count(String table) {
    try {
      return db.count(table);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void createsTheTableAndItsTriggerOnce() throws Exception {
    Source first = source("outbox", "");
    first.connect();
    Source second = source("outbox", "");
    second.connect(); // finds both
    assertThat(count("outbox")).isZero();
    try (Statement statement = db.connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
            + db.table("outbox") + "'::regclass AND NOT tgisinternal")) {
      result.next();
      assertThat(result.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void aReservedWordIsATableNameLikeAnyOther() throws Exception {
    Source source = source("select", "");
    source.connect();
    db.execute("INSERT INTO " + db.schema + ".\"select\" (topic, data) VALUES ('https://example.com/s', 'quoted')");
    SourceBatch batch = source.poll(Duration.ofSeconds(5), 10);
    assertThat(batch.updates()).extracting(Update::data).containsExactly("quoted");
    source.acknowledge(batch);
    try (Statement statement = db.connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + db.schema + ".\"select\"")) {
      result.next();
      assertThat(result.getLong(1)).isZero();
    }
  }

  @Test
  void mapsEachColumnAndKeepsTheTableOrder() throws Exception {
    Source source = source("outbox", "");
    source.connect();
    db.execute("INSERT INTO " + db.table("outbox") + " (topic, data, type, event_id, private) VALUES"
        + " ('https://example.com/orders/1', '{\"id\":1}', 'order', NULL, false),"
        + " ('https://example.com/orders/2 https://example.com/users/9', 'two\nlines', NULL, 'order-2', true),"
        + " ('https://example.com/orders/3', '', '', '', false)");
    MemoryEventLog log = new MemoryEventLog(100_000, new IdGenerator());
    SourceRunner runner = run(source, log);
    await("the table drained", () -> count("outbox") == 0);
    List<Update> updates = updates(log);
    assertThat(updates).hasSize(3);
    long first = Long.parseLong(updates.get(0).id().substring("outbox-".length()));
    assertThat(updates.get(0)).isEqualTo(new Update("outbox-" + first, List.of("https://example.com/orders/1"),
        "{\"id\":1}", false, "order", null));
    assertThat(updates.get(1)).isEqualTo(new Update("order-2", List.of("https://example.com/orders/2",
        "https://example.com/users/9"), "two\nlines", true, null, null));
    assertThat(updates.get(2)).isEqualTo(new Update("outbox-" + (first + 2), List.of("https://example.com/orders/3"),
        "", false, null, null));
    assertThat(runner.stats().published()).isEqualTo(3);

    List<Long> ids = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      ids.addAll(db.insert("outbox", n * 100, n * 100 + 100)); // 20 transactions
    }
    await("2,000 rows drained", () -> count("outbox") == 0);
    assertThat(updates(log).subList(3, 2003)).extracting(Update::id)
        .containsExactlyElementsOf(ids.stream().map(id -> "outbox-" + id).toList());
    assertThat(updates(log).subList(3, 2003)).extracting(Update::data)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2000).mapToObj(String::valueOf).toList());
    assertThat(runner.stats().duplicates()).isZero();
  }

  @Test
  void refusedRowsAreCountedAndDeletedWithTheirBatch() throws Exception {
    Source source = source("outbox", "");
    source.connect();
    String table = db.table("outbox");
    db.execute("INSERT INTO " + table + " (topic, data) VALUES ('https://example.com/a', 'a')");
    db.execute("INSERT INTO " + table + " (topic, data, event_id) VALUES ('https://example.com/b', 'b', '#b')");
    db.execute("INSERT INTO " + table + " (topic, data, event_id) VALUES ('https://example.com/c', 'c', repeat('c', 257))");
    db.execute("INSERT INTO " + table + " (topic, data) VALUES ('   ', 'd')");
    db.execute("INSERT INTO " + table + " (topic, data) VALUES ('https://example.com/e', 'e')");
    MemoryEventLog log = new MemoryEventLog(1000, new IdGenerator());
    SourceRunner runner = run(source, log);
    await("the table drained", () -> count("outbox") == 0);
    assertThat(updates(log)).extracting(Update::data).containsExactly("a", "e");
    assertThat(runner.stats().refused()).isEqualTo(3);
    assertThat(runner.stats().consumed()).isEqualTo(5);
  }

  @Test
  void aNotificationEndsTheWaitLongBeforeThePollingFallback() throws Exception {
    Source source = source("outbox", "&poll=60m");
    source.connect();
    assertThat(source.poll(Duration.ofMillis(50), 10).isEmpty()).isTrue(); // takes the lock, drains, listens
    CompletableFuture<SourceBatch> polled = CompletableFuture.supplyAsync(() -> {
      try {
        return source.poll(Duration.ofSeconds(30), 10);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(50);
    db.insert("outbox", 0, 3);
    SourceBatch batch = polled.get(40, TimeUnit.SECONDS);
    assertThat(batch.updates()).extracting(Update::data).containsExactly("0", "1", "2");
  }

  @Test
  void withoutTheTriggerPollingFindsTheRows() throws Exception {
    db.execute("CREATE TABLE " + db.table("bare") + " (id bigserial PRIMARY KEY, topic text NOT NULL, data text NOT NULL,"
        + " type text, event_id text, private boolean NOT NULL DEFAULT false)");
    Source source = source("bare", "&create=false&poll=20ms");
    source.connect();
    assertThat(source.poll(Duration.ofMillis(50), 10).isEmpty()).isTrue();
    db.insert("bare", 0, 2);
    SourceBatch batch = SourceBatch.EMPTY;
    for (int i = 0; i < 100 && batch.isEmpty(); i++) {
      batch = source.poll(Duration.ofMillis(100), 10);
    }
    assertThat(batch.updates()).extracting(Update::data).containsExactly("0", "1");
    source.acknowledge(batch);
    assertThat(count("bare")).isZero();
    assertThat(db.count("bare")).isZero();
  }

  @Test
  void wakeupCutsAWaitShort() throws Exception {
    Source source = source("outbox", "&poll=60m");
    source.connect();
    CompletableFuture<SourceBatch> polled = CompletableFuture.supplyAsync(() -> {
      try {
        source.poll(Duration.ofMillis(20), 10);
        return source.poll(Duration.ofMinutes(5), 10);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100);
    source.wakeup();
    assertThat(polled.get(20, TimeUnit.SECONDS).isEmpty()).isTrue();
  }

  @Test
  void afterAReconnectTheTableIsReadAgain() throws Exception {
    Source source = source("outbox", "&poll=60m");
    source.connect();
    db.insert("outbox", 0, 2);
    SourceBatch batch = source.poll(Duration.ofSeconds(5), 10);
    assertThat(batch.updates()).hasSize(2);
    db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'herald'"
        + " AND query LIKE '%" + db.schema + "%'");
    db.insert("outbox", 2, 3); // notified to nobody
    assertThatThrownBy(() -> {
      source.acknowledge(batch);
      source.poll(Duration.ofSeconds(5), 10);
    }).isInstanceOf(SQLException.class);
    source.connect();
    SourceBatch again = source.poll(Duration.ofSeconds(5), 10);
    assertThat(again.updates()).extracting(Update::data).containsExactly("0", "1", "2"); // not deleted: again
    source.acknowledge(again);
    assertThat(count("outbox")).isZero();
  }

  @Test
  void lagCountsTheRowsBeyondThoseTaken() throws Exception {
    Source source = source("outbox", "");
    assertThat(source.lag()).isEqualTo(-1);
    source.connect();
    db.insert("outbox", 0, 1200);
    SourceBatch batch = source.poll(Duration.ofSeconds(5), 500);
    assertThat(batch.updates()).hasSize(500);
    assertThat(source.lag()).isEqualTo(700);
    source.acknowledge(batch);
    source.acknowledge(source.poll(Duration.ofSeconds(5), 500));
    assertThat(source.poll(Duration.ofSeconds(5), 500).updates()).hasSize(200);
    assertThat(source.lag()).isZero();
  }
}
