package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.log.ForwardingEventLog;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.EventLog.CommitListener;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogStats;
import dev.herald.log.Retention;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} in the Prometheus text format, {@code /healthz} and {@code /readyz}. */
class MetricsTest {
  @TempDir
  Path dir;
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void startWithSqlite() throws InterruptedException {
    SqliteEventLog log = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        Retention.DEFAULT, new IdGenerator());
    fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log));
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = fixture.get(fixture.uri("/metrics"));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The value of one sample, e.g. {@code herald_subscribers{protocol="http1"}}; fails if absent. */
  private static double sample(String text, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertThat(matcher.find()).as("a sample %s in%n%s", series, text).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  /** Scrapes until {@code series} reaches {@code expected} (deliveries are counted on the event loops). */
  private double awaitSample(String series, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double value;
    while ((value = sample(scrape(), series)) != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return value;
  }

  @Test
  void buildInfoNamesTheVersionAndCommitTheBuildRecorded() throws Exception {
    fixture = new HubFixture();

    String text = scrape();

    assertThat(BuildInfo.CURRENT.version()).as("filled in by the build").matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(BuildInfo.CURRENT.commit()).as("a short hash, or unknown without git")
        .matches("[0-9a-f]{12}(-dirty)?|unknown");
    assertThat(sample(text, "herald_build_info{commit=\"" + BuildInfo.CURRENT.commit() + "\",version=\""
        + BuildInfo.CURRENT.version() + "\"}")).isEqualTo(1.0);
  }

  @Test
  void buildInfoIsUnknownWhenTheResourceWasNotFilledIn() {
    java.util.Properties unfiltered = new java.util.Properties();
    unfiltered.setProperty("commit", "${herald.commit}");

    assertThat(BuildInfo.value(unfiltered, "commit")).isEqualTo("unknown");
    assertThat(BuildInfo.value(unfiltered, "version")).isEqualTo("unknown");
  }

  @Test
  void metricsAreInThePrometheusTextFormat() throws Exception {
    fixture = new HubFixture();
    HttpResponse<String> response = fixture.get(fixture.uri("/metrics"));

    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("# TYPE herald_updates_published_total counter")
        .contains("# HELP herald_subscribers ")
        .contains("# TYPE herald_store_commit_seconds histogram")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void publishesAndDeliveriesAreCounted() throws Exception {
    startWithSqlite();
    try (EventIterator a = fixture.subscribe("t"); EventIterator b = fixture.subscribe("t")) {
      for (int i = 0; i < 3; i++) {
        fixture.publishOk("topic", "t", "data", "u" + i);
      }

      assertThat(a.poll(Duration.ofSeconds(10)).data()).isEqualTo("u0");
      assertThat(b.poll(Duration.ofSeconds(10)).data()).isEqualTo("u0");
      assertThat(awaitSample("herald_updates_delivered_total", 6)).isEqualTo(6);
      String text = scrape();
      assertThat(sample(text, "herald_updates_published_total")).isEqualTo(3);
      assertThat(sample(text, "herald_subscribers{protocol=\"http1\"}")).isEqualTo(2);
      assertThat(sample(text, "herald_subscribers{protocol=\"http2\"}")).isZero();
      assertThat(sample(text, "herald_subscriptions")).isEqualTo(2);
      assertThat(sample(text, "herald_bytes_written_total")).isPositive();
    }
  }

  @Test
  void everyFlushPassThatWroteUpdatesRecordsTheirDeliveryDelay() throws Exception {
    fixture = new HubFixture();
    assertThat(scrape()).contains("herald_delivery_delay_seconds_count 0");
    try (EventIterator a = fixture.subscribe("t")) {
      fixture.publishOk("topic", "t", "data", "x");
      assertThat(a.poll(Duration.ofSeconds(10)).data()).isEqualTo("x");
      assertThat(awaitSample("herald_delivery_delay_seconds_count", 1)).isGreaterThanOrEqualTo(1);
      assertThat(sample(scrape(), "herald_delivery_delay_seconds_sum")).isPositive();
    }
  }

  @Test
  void idempotentRepeatsAreNotCountedAsPublished() throws Exception {
    fixture = new HubFixture();
    fixture.publishOk("topic", "t", "id", "once", "data", "x");
    fixture.publishOk("topic", "t", "id", "once", "data", "x");

    assertThat(sample(scrape(), "herald_updates_published_total")).isEqualTo(1);
  }

  @Test
  void publishErrorsAreCountedByReason() throws Exception {
    fixture = new HubFixture();
    fixture.publish(HubFixture.token(List.of("https://example.com/only"), List.of()), "topic", "t");
    fixture.publish(null, "topic", "t");
    fixture.publish(HubFixture.publisherToken(), "data", "no topic");

    String text = scrape();
    assertThat(sample(text, "herald_publish_errors_total{reason=\"forbidden\"}")).isEqualTo(1);
    assertThat(sample(text, "herald_publish_errors_total{reason=\"missing_token\"}")).isEqualTo(1);
    assertThat(sample(text, "herald_publish_errors_total{reason=\"invalid_update\"}")).isEqualTo(1);
  }

  @Test
  void subscribeErrorsAreCountedByReason() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(false));
    fixture.get(fixture.subscribeUri("t"));
    fixture.get(fixture.uri(Hub.PATH));

    String text = scrape();
    assertThat(sample(text, "herald_subscribe_errors_total{reason=\"missing_token\"}")).isEqualTo(1);
    assertThat(sample(text, "herald_subscribe_errors_total{reason=\"missing_topic\"}")).isEqualTo(1);
  }

  @Test
  void errorCountersExistAtZeroBeforeTheFirstError() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).ui(false)); // no dashboard ticks reading them

    String text = scrape();
    for (String reason : List.of("missing_topic", "invalid_topic", "too_many_topics", "missing_token",
        "invalid_token", "store_unavailable")) {
      assertThat(sample(text, "herald_subscribe_errors_total{reason=\"" + reason + "\"}")).as(reason).isZero();
    }
    for (String reason : List.of("missing_token", "invalid_token", "forbidden", "invalid_update", "rate_limited",
        "store_unavailable")) {
      assertThat(sample(text, "herald_publish_errors_total{reason=\"" + reason + "\"}")).as(reason).isZero();
    }
  }

  @Test
  void aRequestSentWhileTheHubIsStartingIsAnsweredOnceItStarted() throws Exception {
    CountDownLatch starting = new CountDownLatch(1);
    ForwardingEventLog slowToStart = new ForwardingEventLog(new MemoryEventLog(100, new IdGenerator())) {
      @Override
      public void onCommit(CommitListener listener) {
        // the hub registers its metrics after it bound its port and before it serves: hold it there
        try {
          starting.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.onCommit(listener);
      }
    };
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    CompletableFuture<HubFixture> started = CompletableFuture.supplyAsync(() -> {
      try {
        return new HubFixture(builder -> builder.anonymous(true)
            .listen(new InetSocketAddress("127.0.0.1", port)).eventLog(slowToStart));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    try (java.net.Socket client = connectWithin(port, Duration.ofSeconds(20))) {
      client.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      client.setSoTimeout(300);
      assertThatThrownBy(() -> client.getInputStream().read())
          .as("no half-built answer (such as a 503 'starting') while the hub starts")
          .isInstanceOf(java.net.SocketTimeoutException.class);
      starting.countDown();
      client.setSoTimeout(20_000);
      String head = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 200");
    } finally {
      starting.countDown();
      fixture = started.get(30, TimeUnit.SECONDS);
    }
  }

  /** A connection to the port once it is bound (the hub binds before it opens its log). */
  private static java.net.Socket connectWithin(int port, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        return new java.net.Socket(InetAddress.getLoopbackAddress(), port);
      } catch (java.net.ConnectException notBoundYet) {
        if (System.nanoTime() > deadline) {
          throw notBoundYet;
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void replaysAndResetsAreCounted() throws Exception {
    startWithSqlite();
    String first = fixture.publishOk("topic", "t", "data", "1");
    fixture.publishOk("topic", "t", "data", "2");
    try (EventIterator resumed = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId(first));
        EventIterator lost = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId("gone"))) {
      assertThat(resumed.poll(Duration.ofSeconds(10)).data()).isEqualTo("2");
      assertThat(lost.poll(Duration.ofSeconds(10)).data()).isEqualTo("1");
      assertThat(lost.poll(Duration.ofSeconds(10)).data()).isEqualTo("2");

      String text = scrape();
      assertThat(sample(text, "herald_replays_total")).isEqualTo(2);
      assertThat(sample(text, "herald_replay_resets_total")).isEqualTo(1);
      assertThat(sample(text, "herald_replayed_events_total")).isEqualTo(3);
    }
  }

  @Test
  void storeFiguresComeFromTheLog() throws Exception {
    startWithSqlite();
    for (int i = 0; i < 4; i++) {
      fixture.publishOk("topic", "t", "data", "0123456789");
    }

    String text = scrape();
    assertThat(sample(text, "herald_store_events")).isEqualTo(4);
    assertThat(sample(text, "herald_store_content_bytes")).isPositive();
    assertThat(sample(text, "herald_store_file_bytes")).isPositive();
    assertThat(sample(text, "herald_store_writable")).isEqualTo(1);
    assertThat(sample(text, "herald_store_oldest_update_age_seconds")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "herald_store_commit_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "herald_store_commit_batch_size_sum")).isEqualTo(4);
  }

  @Test
  void healthIsJson() throws Exception {
    fixture = new HubFixture();
    HttpResponse<String> response = fixture.get(fixture.uri("/healthz"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}\n");
  }

  @Test
  void readyWhenListeningWithAWritableLog() throws Exception {
    fixture = new HubFixture();
    HttpResponse<String> response = fixture.get(fixture.uri("/readyz"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).startsWith("{\"status\":\"ready\"").contains("\"store\":{\"ok\":true");
  }

  @Test
  void unreadyWhenTheLogCannotWrite() throws Exception {
    MemoryEventLog memory = new MemoryEventLog(100, new IdGenerator());
    ForwardingEventLog failing = new ForwardingEventLog(memory) {
      @Override
      public LogStats stats() {
        LogStats real = super.stats();
        return new LogStats(real.kind(), real.events(), null, null, null, null, null, real.retention(), false);
      }
    };
    fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(failing));
    HttpResponse<String> response = fixture.get(fixture.uri("/readyz"));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).startsWith("{\"status\":\"unready\"")
        .contains("\"store\":{\"ok\":false,\"detail\":\"the last write to the event log failed\"}");
  }
}
