package dev.herald.source.postgresql;

import static dev.herald.source.postgresql.PostgresSourceTest.await;
import static dev.herald.source.postgresql.PostgresSourceTest.updates;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.FailingLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.source.Source;
import dev.herald.source.SourceRunner;
import dev.herald.source.Sources;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several hubs on one outbox, and a log that refuses appends. */
class OutboxNodesTest {
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

  private SourceRunner run(String table, EventLog log) {
    Source source = Sources.open(db.uri(table, "&poll=50ms"));
    SourceRunner runner = SourceRunner.start(source, log, 1 << 20, 100, Duration.ofMillis(100), Duration.ofMillis(10),
        Duration.ofMillis(100));
    closing.add(runner);
    return runner;
  }

  private long count(String table) {
    try {
      return db.count(table);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private List<String> insertInBackground(String table, int from, int to) throws Exception {
    List<Long> ids = CompletableFuture.supplyAsync(() -> {
      try (TestDatabase.Inserter inserter = db.inserter()) {
        List<Long> all = new ArrayList<>();
        for (int n = from; n < to; n += 50) {
          all.addAll(inserter.insert(table, n, Math.min(to, n + 50)));
        }
        return all;
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }).get();
    return ids.stream().map(id -> "outbox-" + id).toList();
  }

  @Test
  void twoHubsOnOneOutboxPublishEachRowOnceInOrder() throws Exception {
    Source creator = Sources.open(db.uri("outbox", ""));
    creator.connect();
    creator.close();
    MemoryEventLog log = new MemoryEventLog(100_000, new IdGenerator()); // one log, as two hubs on one Redis
    SourceRunner a = run("outbox", log);
    SourceRunner b = run("outbox", log);
    List<String> expected = new ArrayList<>(insertInBackground("outbox", 0, 3000));
    await("3,000 rows drained", () -> count("outbox") == 0);
    await("3,000 stored", () -> a.stats().published() + b.stats().published() == 3000);
    assertThat(updates(log)).extracting(Update::id).containsExactlyElementsOf(expected);
    assertThat(a.stats().duplicates() + b.stats().duplicates()).as("no row taken by both").isZero();
    assertThat(List.of(a.stats().published(), b.stats().published())).as("one consumer at a time").contains(0L);

    SourceRunner consuming = a.stats().published() > 0 ? a : b;
    SourceRunner standing = consuming == a ? b : a;
    consuming.close(); // its session ends: the other takes the lock within its poll interval
    expected.addAll(insertInBackground("outbox", 3000, 4000));
    await("the other hub drained the rest", () -> count("outbox") == 0);
    await("4,000 stored", () -> updates(log).size() == 4000);
    assertThat(updates(log)).extracting(Update::id).containsExactlyElementsOf(expected);
    assertThat(standing.stats().published()).isEqualTo(1000);
  }

  @Test
  void whileTheLogRefusesAppendsNoRowIsDeleted() throws Exception {
    FailingLog log = new FailingLog(new MemoryEventLog(10_000, new IdGenerator()));
    log.failAppends(true);
    Source creator = Sources.open(db.uri("outbox", ""));
    creator.connect();
    creator.close();
    List<String> expected = insertInBackground("outbox", 0, 300);
    SourceRunner runner = run("outbox", log);
    await("the runner paused", () -> runner.stats().state().equals("paused"));
    long attempts = log.appendAttempts();
    await("appends retried", () -> log.appendAttempts() >= attempts + 3);
    assertThat(count("outbox")).as("rows left").isEqualTo(300);
    assertThat(runner.stats().consumed()).as("one batch held").isEqualTo(100);
    assertThat(runner.stats().lag()).as("no lag while paused").isEqualTo(-1);
    log.failAppends(false);
    await("the table drained", () -> count("outbox") == 0);
    assertThat(log.ids()).containsExactlyElementsOf(expected);
    assertThat(runner.stats().state()).isEqualTo("running");
  }
}
