package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.hub.log.SqliteFaults;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub on a SQLite store that fails: every publish is answered (503 {@code store_unavailable} with
 * {@code Retry-After}, never a hang), {@code /readyz} says the store is not ok while writes fail and
 * ready again once they work, with or without a publish; a replay the store cannot read is answered
 * 503 too. Real faults where SQLite can make them, an injected {@link OutOfMemoryError} where not.
 */
class StoreFailureTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private HubFixture fixture;
  private SqliteEventLog log;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void start() throws InterruptedException {
    log = SqliteEventLog.open(file(), SqliteEventLog.Durability.OS, Retention.DEFAULT, new IdGenerator());
    fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log));
  }

  private Path file() {
    return dir.resolve("events.db");
  }

  /** A publish, answered within the bound (an unanswered one fails the test, it does not hang it). */
  private HttpResponse<String> publish(String data) throws Exception {
    return HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri(Hub.PATH)).timeout(BOUND)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + HubFixture.publisherToken())
        .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=" + data)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(BOUND);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HubFixture.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> readyz() throws Exception {
    return get(fixture.uri("/readyz"));
  }

  /** Waits for /readyz to answer {@code status} (its figures may be a second old); returns the answer. */
  private HttpResponse<String> awaitReadiness(int status) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    HttpResponse<String> response;
    while ((response = readyz()).statusCode() != status) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("/readyz did not answer " + status + ": " + response.body());
      }
      Thread.sleep(20);
    }
    return response;
  }

  private static void assertStoreUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("store_unavailable");
  }

  @Test
  void aPublishTheStoreRefusesIsAnswered503AndTheHubIsUnreadyUntilTheStoreWorksAgain() throws Exception {
    start();
    assertThat(publish("before").statusCode()).isEqualTo(200);

    try (SqliteFaults.Fault refused = SqliteFaults.refuseWrites(file(), "the disk says no")) {
      HttpResponse<String> response = publish("during");

      assertStoreUnavailable(response);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(awaitReadiness(503).body()).contains("\"store\":{\"ok\":false")
          .contains("the last write to the event log failed: ").contains("the disk says no");
      assertStoreUnavailable(publish("still during"));
    }

    awaitReadiness(200); // no publish needed: the writer probes the file
    assertThat(publish("after").statusCode()).isEqualTo(200);
  }

  @Test
  void outOfMemoryErrorsInTheWriterAreAnswered503AndThePublishAfterThemSucceeds() throws Exception {
    start();
    try (SqliteFaults.Fault error = SqliteFaults.failWrites(log, new OutOfMemoryError("injected"))) {
      assertStoreUnavailable(publish("during"));
      awaitReadiness(503);
      assertStoreUnavailable(publish("still during"));
    }

    assertThat(publish("after").statusCode()).isEqualTo(200);
    awaitReadiness(200);
  }

  @Test
  void aReplayTheStoreCannotReadIsAnswered503() throws Exception {
    start();
    String first = fixture.publishOk("topic", "t", "data", "one");
    fixture.publishOk("topic", "t", "data", "two");

    try (SqliteFaults.Fault refused = SqliteFaults.refuseReads(file())) {
      assertStoreUnavailable(get(fixture.subscribeUri("t"), "Last-Event-ID", first));
    }
    try (SqliteFaults.Fault error = SqliteFaults.failReads(log, new OutOfMemoryError("injected"))) {
      assertStoreUnavailable(get(fixture.subscribeUri("t"), "Last-Event-ID", first));
    }

    awaitReadiness(200);
    try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId(first))) {
      assertThat(events.poll(BOUND).data()).isEqualTo("two");
    }
  }

  @Test
  void manyPublishesDuringAFaultAreEachAnswered() throws Exception {
    start();
    try (SqliteFaults.Fault refused = SqliteFaults.refuseWrites(file(), "the disk says no")) {
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        responses.add(HubFixture.HTTP.sendAsync(HttpRequest.newBuilder(fixture.uri(Hub.PATH)).timeout(BOUND)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + HubFixture.publisherToken())
            .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=" + i)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> response : responses) {
        assertStoreUnavailable(response.get(BOUND.toSeconds(), TimeUnit.SECONDS));
      }
    }
  }
}
