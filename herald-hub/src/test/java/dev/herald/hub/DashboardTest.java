package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's files and its live stats stream: content, headers and access control. */
class DashboardTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private URI stats(String token) {
    return fixture.uri(StatsStream.PATH + (token == null ? "" : "?authorization=" + token));
  }

  @Test
  void rootServesTheDashboardWithAStrictContentSecurityPolicy() throws Exception {
    fixture = new HubFixture();
    HttpResponse<String> page = fixture.get(fixture.uri("/"));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        csp -> assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.body()).contains("/ui/app.js", "/ui/app.css");
  }

  @Test
  void scriptAndStylesheetHaveTheirMediaTypes() throws Exception {
    fixture = new HubFixture();

    assertThat(fixture.get(fixture.uri("/ui/app.js")).headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(fixture.get(fixture.uri("/ui/app.css")).headers().firstValue("Content-Type"))
        .hasValue("text/css; charset=utf-8");
  }

  @Test
  void withoutTheUiRootIsTextAndThereIsNoStatsStream() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).ui(false));

    assertThat(fixture.get(fixture.uri("/")).body()).startsWith("Herald hub");
    assertThat(fixture.get(fixture.uri("/ui/app.js")).statusCode()).isEqualTo(404);
    assertThat(fixture.get(stats(null)).statusCode()).isEqualTo(404);
  }

  @Test
  void protectedStatsNeedAToken() throws Exception {
    fixture = new HubFixture();
    HttpResponse<String> response = fixture.get(stats(null));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("herald:stats");
  }

  @Test
  void protectedStatsNeedATokenForTheStatsTopic() throws Exception {
    fixture = new HubFixture();

    assertThat(fixture.get(stats(HubFixture.token(List.of(), List.of("https://example.com/{x}")))).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aTokenForTheStatsTopicGetsLiveFigures() throws Exception {
    fixture = new HubFixture();
    String token = HubFixture.token(List.of(), List.of(StatsStream.TOPIC));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(token)))) {
      fixture.publishOk("topic", "t", "data", "counted");
      SseEvent event = awaitStats(stats, "\"published\":1");

      assertThat(event.type()).isEqualTo("stats");
      assertThat(event.data()).startsWith("{\"version\":").contains("\"subscribersByProtocol\":{\"http1\":1",
          "\"store\":{\"kind\":\"memory\"", "\"retention\":{\"events\":10000");
    }
  }

  @Test
  void anOpenDashboardNeedsNoToken() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(null)))) {
      assertThat(awaitStats(stats, "\"subscribers\":1").type()).isEqualTo("stats");
    }
  }

  @Test
  void anOpenDashboardDeliversNoUpdatesWhileNothingIsPublished() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(null)))) {
      for (int i = 0; i < 3; i++) { // the one sent on opening, then two ticks
        assertThat(stats.poll(Duration.ofSeconds(5))).as("stats event %d", i).isNotNull();
      }

      assertThat(awaitStats(stats, "\"delivered\":").data()).contains("\"delivered\":0,");
      assertThat(fixture.get(fixture.uri("/metrics")).body()).contains("\nherald_updates_delivered_total 0.0\n");
    }
  }

  @Test
  void theDashboardStillCountsDeliveriesToSubscribers() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(null)));
        EventIterator subscriber = fixture.subscribe("t")) {
      fixture.publishOk("topic", "t", "data", "x");

      assertThat(subscriber.poll(Duration.ofSeconds(10)).data()).isEqualTo("x");
      assertThat(awaitStats(stats, "\"delivered\":1,").type()).isEqualTo("stats");
    }
  }

  @Test
  void theStatsCountActiveSubscriptionsPerTopicWhenTheHubTracksThem() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true).subscriptions(true));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(null)));
        EventIterator first = fixture.subscribe("https://example.com/books/1");
        EventIterator second = fixture.subscribe("https://example.com/books/1", "https://example.com/books/2")) {
      String data = awaitStats(stats, "\"total\":3,").data();
      assertThat(data).contains("\"subscriptions\":{\"total\":3,\"topics\":2,\"byTopic\":["
          + "{\"topic\":\"https://example.com/books/1\",\"count\":2},"
          + "{\"topic\":\"https://example.com/books/2\",\"count\":1}]}");
    }
  }

  @Test
  void withoutPresenceTheStatsSaySubscriptionsAreNotTracked() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true));
    try (EventIterator stats = fixture.subscribe(EventSource.builder(stats(null)))) {
      assertThat(awaitStats(stats, "\"subscriptions\":").data()).contains("\"subscriptions\":null,");
    }
  }

  /** Stats events come every second: waits (up to 15 s) for one whose data contains {@code text}. */
  private static SseEvent awaitStats(EventIterator stats, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    SseEvent last = null;
    while (System.nanoTime() < deadline) {
      SseEvent event = stats.poll(Duration.ofSeconds(2));
      if (event != null) {
        last = event;
        if (event.data().contains(text)) {
          return event;
        }
      }
    }
    throw new AssertionError("no stats event with " + text + "; last: " + (last == null ? "none" : last.data()));
  }
}
