package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streaming publish on a real hub: {@code POST /.well-known/mercure?topic=...} with a
 * {@code text/event-stream} body publishes each event of the body as it arrives, answers the ids at
 * the end, and never publishes part of an event or loses a complete one when the body is cut off.
 */
class StreamingPublishTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void start(UnaryOperator<Hub.Builder> configure) throws InterruptedException {
    fixture = new HubFixture(builder -> configure.apply(builder.anonymous(true)));
  }

  private String streamPath(String... topics) {
    StringBuilder path = new StringBuilder(Hub.PATH);
    for (int i = 0; i < topics.length; i++) {
      path.append(i == 0 ? '?' : '&').append("topic=").append(URLEncoder.encode(topics[i], StandardCharsets.UTF_8));
    }
    return path.toString();
  }

  /** A whole stream in one request, sent with the JDK client. */
  private HttpResponse<String> stream(String token, String pathAndQuery, String body) throws Exception {
    return HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri(pathAndQuery))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SseEvent next(EventIterator events) throws Exception {
    SseEvent event = events.poll(Duration.ofSeconds(10));
    assertThat(event).as("an event within 10 s").isNotNull();
    return event;
  }

  @Test
  void eachEventOfTheBodyIsAnUpdateOnTheQueryTopicsAndTheAnswerListsTheirIds() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("https://example.com/alt")) {
      HttpResponse<String> response = stream(HubFixture.publisherToken(),
          streamPath("https://example.com/main", "https://example.com/alt"),
          "data: one\n\nevent: token\ndata: two\ndata: lines\n\n: a comment\nid: chosen-3\ndata: three\n\n");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      List<String> ids = response.body().lines().toList();
      assertThat(ids).hasSize(3).doesNotHaveDuplicates();
      assertThat(ids.get(2)).isEqualTo("chosen-3");
      SseEvent one = next(events);
      SseEvent two = next(events);
      SseEvent three = next(events);
      assertThat(List.of(one.data(), two.data(), three.data())).containsExactly("one", "two\nlines", "three");
      assertThat(List.of(one.type(), two.type(), three.type())).containsExactly("message", "token", "message");
      assertThat(List.of(one.id(), two.id(), three.id())).isEqualTo(ids);
    }
  }

  @Test
  void anEventWithoutItsOwnIdGetsOneFromTheHubRatherThanThePreviousEventsId() throws Exception {
    start(builder -> builder);

    HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"),
        "id: first\ndata: a\n\ndata: b\n\n");

    List<String> ids = response.body().lines().toList();
    assertThat(ids).hasSize(2);
    assertThat(ids.get(0)).isEqualTo("first");
    assertThat(ids.get(1)).isNotEqualTo("first");
  }

  @Test
  void eventsArePublishedAsTheyArriveNotAtTheEndOfTheBody() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      publisher.chunk("data: first\n\n");

      assertThat(next(events).data()).isEqualTo("first"); // while the body is still open

      publisher.chunk("data: second\n\n");
      assertThat(next(events).data()).isEqualTo("second");
      String answer = publisher.end();
      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(RawStream.body(answer).lines()).hasSize(2);
    }
  }

  @Test
  void anEventSplitAcrossChunksIsOneUpdate() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      publisher.chunk("da");
      publisher.chunk("ta: hel");
      publisher.chunk("lo\r");
      publisher.chunk("\n\r\n");

      assertThat(next(events).data()).isEqualTo("hello");
      assertThat(RawStream.body(publisher.end()).lines()).hasSize(1);
    }
  }

  @Test
  void aBodyCutOffMidEventPublishesEveryCompleteEventAndNothingOfThePartialOne() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("t")) {
      try (RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
        publisher.chunk("data: complete-1\n\ndata: complete-2\n\ndata: part");
      } // closed mid-event, without the last chunk

      assertThat(next(events).data()).isEqualTo("complete-1");
      assertThat(next(events).data()).isEqualTo("complete-2");
      fixture.publishOk("topic", "t", "data", "marker");
      assertThat(next(events).data()).isEqualTo("marker"); // nothing of "part" came between
    }
  }

  @Test
  void theTokenMustAllowEveryTopicOfTheStreamAndNothingIsPublishedOtherwise() throws Exception {
    start(builder -> builder);
    String token = HubFixture.token(List.of("https://example.com/allowed"), List.of());

    HttpResponse<String> response = stream(token, streamPath("https://example.com/allowed", "https://example.com/other"),
        "data: x\n\n");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).startsWith("forbidden: the token may not publish to topic 'https://example.com/other'");
    assertThat(storedEventsAfterACacheTick()).isZero();
  }

  @Test
  void aStreamWithoutATokenIs401() throws Exception {
    start(builder -> builder);

    HttpResponse<String> response = HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri(streamPath("t")))
        .header("Content-Type", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString("data: x\n\n")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).startsWith("missing_token:");
  }

  @Test
  void aStreamWithoutTopicsIs400SayingTheyBelongInTheQuery() throws Exception {
    start(builder -> builder);

    HttpResponse<String> response = stream(HubFixture.publisherToken(), Hub.PATH, "data: x\n\n");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("invalid_update: give at least one non-empty 'topic'")
        .contains("query parameters");
  }

  @Test
  void theBodySizeLimitOfFormPublishesDoesNotApplyToAStreamButToEachOfItsEvents() throws Exception {
    start(builder -> builder.maxUpdateSize(1024));
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      body.append("data: ").append("x".repeat(500)).append(' ').append(i).append("\n\n");
    }
    HttpResponse<String> fits = stream(HubFixture.publisherToken(), streamPath("t"), body.toString());
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
    assertThat(fits.body().lines()).hasSize(100);

    HttpResponse<String> tooLarge = stream(HubFixture.publisherToken(), streamPath("t"),
        "data: small\n\ndata: " + "y".repeat(2000) + "\n\ndata: after\n\n");

    assertThat(tooLarge.statusCode()).isEqualTo(413);
    List<String> lines = tooLarge.body().lines().toList();
    assertThat(lines.get(0)).startsWith("event_too_large: event 2 of the stream");
    assertThat(lines).hasSize(2); // the error, then the id of "small", published
    assertThat(awaitStoredEvents(101)).isEqualTo(101);
  }

  @Test
  void theEventPastTheStreamsLimitEndsItWith413AndTheEventsBeforeArePublished() throws Exception {
    start(builder -> builder.maxStreamEvents(3));

    HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"),
        "data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n");

    assertThat(response.statusCode()).isEqualTo(413);
    List<String> lines = response.body().lines().toList();
    assertThat(lines.get(0)).startsWith("stream_too_long: a stream may carry at most 3 events");
    assertThat(lines).hasSize(4);
    assertThat(awaitStoredEvents(3)).isEqualTo(3);
  }

  @Test
  void anIdLongerThanAStreamAllowsEndsTheStreamWith400() throws Exception {
    start(builder -> builder);

    HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"),
        "data: fine\n\nid: " + "i".repeat(StreamedPublish.MAX_ID_LENGTH + 1) + "\ndata: x\n\n");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body().lines().findFirst()).hasValueSatisfying(line ->
        assertThat(line).startsWith("invalid_update: event 2 of the stream: its id is longer than 256 characters"));
    assertThat(awaitStoredEvents(1)).isEqualTo(1);
  }

  @Test
  void aStoreThatFailsMidStreamEndsItWith503AndKeepsWhatItStoredBefore() throws Exception {
    java.util.concurrent.atomic.AtomicInteger appends = new java.util.concurrent.atomic.AtomicInteger();
    dev.herald.hub.log.MemoryEventLog memory = new dev.herald.hub.log.MemoryEventLog(1000, new dev.herald.log.IdGenerator());
    start(builder -> builder.eventLog(new dev.herald.log.ForwardingEventLog(memory) {
      @Override
      public java.util.concurrent.CompletableFuture<List<dev.herald.log.Entry>> appendAsync(
          List<dev.herald.log.Update> updates) {
        // the store fails from its second append on, as a full disk would
        return appends.incrementAndGet() == 1 ? log.appendAsync(updates)
            : java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("injected: disk full"));
      }
    }));
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      publisher.chunk("data: stored\n\n");
      assertThat(next(events).data()).isEqualTo("stored");

      publisher.chunk("data: not stored\n\n");
      String answer = publisher.readAll(); // answered at once, the body unfinished, and closed

      assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After: 1");
      List<String> lines = RawStream.body(answer).lines().toList();
      assertThat(lines.get(0)).startsWith("store_unavailable: ");
      assertThat(lines).hasSize(2);
      assertThat(memory.stats().events()).isEqualTo(1);
    }
  }

  @Test
  void anIdAlreadyStoredWithOtherContentIs409AfterTheEventsBefore() throws Exception {
    start(builder -> builder);
    fixture.publishOk("topic", "t", "id", "taken", "data", "original");

    HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"),
        "data: fine\n\nid: taken\ndata: different\n\n");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body().lines().findFirst()).hasValueSatisfying(line -> assertThat(line).startsWith("id_conflict:"));
  }

  @Test
  void theEventsBeforeAConflictingIdArePublishedEvenWhenTheyArrivedInTheSameRead() throws Exception {
    start(builder -> builder);
    fixture.publishOk("topic", "t", "id", "taken", "data", "original");

    // One chunk: the events before the conflict go to the log in the same batch as it.
    HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"),
        "id: fine-1\ndata: fine\n\ndata: fine too\n\nid: taken\ndata: different\n\ndata: after\n\n");

    assertThat(response.statusCode()).isEqualTo(409);
    List<String> lines = response.body().lines().toList();
    assertThat(lines.get(0)).startsWith("id_conflict:");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).isEqualTo("fine-1");
    assertThat(awaitStoredEvents(3)).isEqualTo(3);
  }

  @Test
  void resendingAStreamWithIdsPublishesNothingTwice() throws Exception {
    start(builder -> builder);
    String body = "id: s-1\ndata: a\n\nid: s-2\ndata: b\n\n";

    HttpResponse<String> first = stream(HubFixture.publisherToken(), streamPath("t"), body);
    HttpResponse<String> again = stream(HubFixture.publisherToken(), streamPath("t"), body);

    assertThat(first.body()).isEqualTo("s-1\ns-2\n");
    assertThat(again.body()).isEqualTo("s-1\ns-2\n");
    assertThat(awaitStoredEvents(2)).isEqualTo(2);
  }

  @Test
  void privateInTheQueryMakesEveryUpdateOfTheStreamPrivate() throws Exception {
    start(builder -> builder);
    try (EventIterator anonymous = fixture.subscribe("t");
        EventIterator authorized = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
            .header("Authorization", "Bearer " + HubFixture.token(List.of(), List.of("t"))))) {
      HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t") + "&private=on",
          "data: secret\n\n");
      assertThat(response.statusCode()).isEqualTo(200);
      fixture.publishOk("topic", "t", "data", "public");

      assertThat(next(authorized).data()).isEqualTo("secret");
      assertThat(next(anonymous).data()).isEqualTo("public");
    }
  }

  @Test
  void aRetryFieldAppliesToTheNextEvent() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("t")) {
      stream(HubFixture.publisherToken(), streamPath("t"), "retry: 2500\ndata: slow down\n\ndata: next\n\n");

      assertThat(next(events).data()).isEqualTo("slow down");
      assertThat(next(events).data()).isEqualTo("next");
    }
    // The replay, as the wire carries it: the retry field is framed with its event only.
    HttpResponse<InputStream> replay = HubFixture.HTTP.send(HttpRequest.newBuilder(
        fixture.uri(fixture.subscribePath("t") + "&lastEventID=earliest")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder history = new StringBuilder();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(replay.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null && !line.equals("data: next"); line = lines.readLine()) {
        history.append(line).append('\n');
      }
    }
    assertThat(history.toString()).contains("retry: 2500\ndata: slow down")
        .doesNotContain("retry: 2500\ndata: next");
  }

  @Test
  void aStreamThatSendsNothingForTheIdleTimeoutIsCutOffAndItsEventsKept() throws Exception {
    start(builder -> builder.idleTimeout(Duration.ofMillis(500)));
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      publisher.chunk("data: before the silence\n\n");
      assertThat(next(events).data()).isEqualTo("before the silence");

      assertThat(publisher.awaitClosed(Duration.ofSeconds(10))).as("the hub closed the idle stream").isTrue();
    }
  }

  @Test
  void aStreamEndsWhenItsTokenExpiresWithTheEventsBeforePublished() throws Exception {
    start(builder -> builder);
    // Issued so that it expires 1.5 s from now.
    String token = dev.herald.hub.auth.Tokens.hmac(HubFixture.SECRET, List.of("*"), List.of(), Duration.ofSeconds(60),
        java.time.Instant.now().minusMillis(58_500));
    try (RawStream publisher = new RawStream(fixture, token, streamPath("t"))) {
      publisher.chunk("data: while valid\n\n");

      String answer = publisher.readAll(); // the hub answers at the expiry and closes, the body unfinished

      assertThat(answer).startsWith("HTTP/1.1 401");
      List<String> lines = RawStream.body(answer).lines().toList();
      assertThat(lines.get(0)).startsWith("invalid_token: the token expired while the stream was open");
      assertThat(lines).hasSize(2);
      assertThat(awaitStoredEvents(1)).isEqualTo(1);
    }
  }

  @Test
  void aFormPublishPipelinedBehindAStreamIsAnsweredAfterIt() throws Exception {
    start(builder -> builder);
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      publisher.chunk("data: streamed\n\n");
      String form = "topic=t&data=formed";
      publisher.raw("0\r\n\r\nPOST " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + HubFixture.publisherToken() + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
          + form.length() + "\r\nConnection: close\r\n\r\n" + form);

      String answers = publisher.readAll();
      assertThat(answers.indexOf("HTTP/1.1 200")).isGreaterThanOrEqualTo(0);
      assertThat(answers.indexOf("HTTP/1.1 200", answers.indexOf("HTTP/1.1 200") + 1)).isPositive();
      assertThat(next(events).data()).isEqualTo("streamed");
      assertThat(next(events).data()).isEqualTo("formed");
    }
  }

  @Test
  void aBodyLargerThanWhatTheLogTakesAtOnceIsReadWithBackPressureAndPublishedWhole() throws Exception {
    start(builder -> builder);
    int count = 3 * StreamedPublish.PAUSE_EVENTS;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append("data: ").append(i).append("\n\n");
    }
    try (EventIterator events = fixture.subscribe("t")) {
      HttpResponse<String> response = stream(HubFixture.publisherToken(), streamPath("t"), body.toString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body().lines()).hasSize(count).doesNotHaveDuplicates();
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        seen.add(next(events).data());
      }
      for (int i = 0; i < count; i++) {
        assertThat(seen.get(i)).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void whileTheLogIsBusyTheHubStopsReadingTheStreamInsteadOfHoldingItInMemory() throws Exception {
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    startWithFirstAppendGated(gate, batches);
    int count = 100_000;
    try (RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      Thread writer = new Thread(() -> {
        try {
          StringBuilder chunk = new StringBuilder();
          for (int i = 0; i < count; i++) {
            chunk.append("data: event number ").append(i).append("\n\n");
            if (chunk.length() > 4000 || i == count - 1) {
              publisher.chunk(chunk.toString());
              chunk.setLength(0);
            }
          }
        } catch (IOException closed) {
          // the test ends it
        }
      });
      writer.start();
      writer.join(2000); // the producer writes what the hub and the kernel take, then blocks
      gate.countDown();
      writer.join(20_000);
      String answer = publisher.end();

      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(RawStream.body(answer).lines()).hasSize(count);
      // While the first append waited, the hub read at most what it lets wait, plus one read's worth.
      int bound = StreamedPublish.PAUSE_EVENTS + 10_000;
      assertThat(batches).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(bound));
      assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
    }
  }

  @Test
  void theBytesThatWaitForABusyLogCountEveryFieldOfAnEventNotOnlyItsData() throws Exception {
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    startWithFirstAppendGated(gate, batches);
    // Each event is 32 KiB of type (and a short id) and one byte of data: 8 MiB of them wait at most.
    int count = 1000;
    String type = "t".repeat(32 * 1024);
    try (RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < count; i++) {
            publisher.chunk("event: " + type + "\nid: event-" + i + "\ndata: x\n\n");
          }
        } catch (IOException closed) {
          // the test ends it
        }
      });
      writer.start();
      writer.join(3000); // the producer writes what the hub and the kernel take, then blocks
      gate.countDown();
      writer.join(20_000);
      String answer = publisher.end();

      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(RawStream.body(answer).lines()).hasSize(count);
      int bound = (int) (StreamedPublish.PAUSE_BYTES / (32 * 1024)) + 10;
      assertThat(batches).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(bound));
    }
  }

  @Test
  void aLargeBatchOfAStreamDoesNotDisconnectSubscribersThatReadAsFastAsTheyCan() throws Exception {
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    dev.herald.hub.log.MemoryEventLog memory = new dev.herald.hub.log.MemoryEventLog(100_000, new dev.herald.log.IdGenerator());
    start(builder -> builder.eventLog(new dev.herald.log.ForwardingEventLog(memory) {
      @Override
      public java.util.concurrent.CompletableFuture<List<dev.herald.log.Entry>> appendAsync(
          List<dev.herald.log.Update> updates) {
        batches.add(updates.size());
        // The first append waits, as a log busy with a slow disk would: the events behind it pile up.
        return batches.size() == 1
            ? java.util.concurrent.CompletableFuture.runAsync(() -> awaitGate(gate)).thenCompose(ready -> log.appendAsync(updates))
            : log.appendAsync(updates);
      }
    }));
    int count = 3000; // 3 MiB: under what a stream lets wait, over a subscriber's unsent limit
    String data = "d".repeat(1024);
    try (EventIterator events = fixture.subscribe("t");
        RawStream publisher = new RawStream(fixture, HubFixture.publisherToken(), streamPath("t"))) {
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < count; i++) {
        chunk.append("data: ").append(data).append("\n\n");
        if (chunk.length() > 60_000 || i == count - 1) {
          publisher.chunk(chunk.toString());
          chunk.setLength(0);
        }
      }
      Thread.sleep(500);
      gate.countDown();
      String answer = publisher.end();
      assertThat(answer).startsWith("HTTP/1.1 200");
      Thread.sleep(500);

      HttpResponse<String> metrics = fixture.get(fixture.uri("/metrics"));
      assertThat(metrics.body().lines().filter(line -> line.startsWith("herald_slow_consumer_disconnects_total")))
          .hasSize(1).allSatisfy(line -> assertThat(line).matches(".* 0(\\.0)?"));
      for (int i = 0; i < count; i++) {
        assertThat(next(events).data()).isEqualTo(data);
      }
    }
  }

  /**
   * A hub on a memory log whose first append waits for {@code gate}, as a log busy with a slow disk
   * would; {@code batches} gets the size of every append.
   */
  /**
   * The events the log holds, once they reach {@code expected} (or after 10 s): the hub's figures
   * are read from the log at most once a second, so a count taken at once may be a second old.
   */
  private long awaitStoredEvents(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    long events;
    while ((events = fixture.hub.health().events()) != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return events;
  }

  /** The events the log holds, read after the hub's one-second cache of its figures expired. */
  private long storedEventsAfterACacheTick() throws InterruptedException {
    Thread.sleep(1100);
    return fixture.hub.health().events();
  }

  private void startWithFirstAppendGated(java.util.concurrent.CountDownLatch gate, List<Integer> batches)
      throws InterruptedException {
    dev.herald.hub.log.MemoryEventLog memory = new dev.herald.hub.log.MemoryEventLog(200_000,
        new dev.herald.log.IdGenerator());
    start(builder -> builder.eventLog(new dev.herald.log.ForwardingEventLog(memory) {
      @Override
      public java.util.concurrent.CompletableFuture<List<dev.herald.log.Entry>> appendAsync(
          List<dev.herald.log.Update> updates) {
        batches.add(updates.size());
        return batches.size() == 1
            ? java.util.concurrent.CompletableFuture.runAsync(() -> awaitGate(gate)).thenCompose(ready -> log.appendAsync(updates))
            : log.appendAsync(updates);
      }
    }));
  }

  private static void awaitGate(java.util.concurrent.CountDownLatch gate) {
    try {
      gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A streaming publish over a raw socket, chunk by chunk, as a producer writes it. */
  static final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawStream(HubFixture fixture, String token, String pathAndQuery) throws IOException {
      socket = new Socket("127.0.0.1", fixture.hub.address().getPort());
      socket.setSoTimeout(20_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      raw("POST " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    void raw(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    void chunk(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      raw(Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n");
    }

    /** Sends the last chunk and returns the answer (its head and body). */
    String end() throws IOException {
      raw("0\r\n\r\n");
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        answer.write(buffer, 0, n);
        String text = answer.toString(StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)")
              .matcher(text.substring(0, headEnd));
          if (length.find() && answer.size() >= headEnd + 4 + Integer.parseInt(length.group(1))) {
            break;
          }
        }
      }
      return answer.toString(StandardCharsets.UTF_8);
    }

    /** Reads until the hub closes the connection. */
    String readAll() throws IOException {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Whether the hub closed the connection within {@code timeout}. */
    boolean awaitClosed(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      try {
        while (System.nanoTime() < deadline) {
          if (in.read() < 0) {
            return true;
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        return false;
      } catch (java.net.SocketException reset) {
        return true;
      }
      return false;
    }

    static String body(String answer) {
      return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
