package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention holds while publishers keep publishing, and a cursor it dropped is answered with earliest. */
class RetentionIT {
  @TempDir
  Path dir;

  @Test
  void theStoreStaysWithinItsBoundsUnderLoadAndOldCursorsGetEarliest() throws Exception {
    SqliteEventLog sqlite = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(200, 0, Duration.ZERO), new IdGenerator());
    try (HubFixture fixture = new HubFixture(builder -> builder.anonymous(true)
        .eventLog(new RecentCache(sqlite, 5_000)))) { // about 50 of these updates
      String oldest = fixture.publishOk("topic", "t", "data", "the first");
      ExecutorService publishers = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        done.add(publishers.submit(() -> {
          for (int i = 0; i < 400; i++) {
            fixture.publishOk("topic", "t", "data", "load " + i);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(120, TimeUnit.SECONDS);
      }
      publishers.shutdown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sqlite.size() > 200 && System.nanoTime() < deadline) {
        Thread.sleep(100); // the background pass runs at least every second
      }
      assertThat(sqlite.size()).as("entries kept").isLessThanOrEqualTo(200);
      assertThat(sqlite.lastSequence()).isEqualTo(1601);

      HttpResponse<InputStream> response = HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.subscribeUri("t"))
          .header("Last-Event-ID", oldest).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.headers().firstValue("Last-Event-ID")).contains("earliest");
      response.body().close();
    }
  }
}
