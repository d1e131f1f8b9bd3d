package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.sse.EventStreamLimitException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's processing model against a real HTTP server on a loopback port. Timing assertions,
 * where there are any, have generous bounds; reconnection delays are kept short with small
 * reconnection times and the browser retry policy (no jitter).
 */
class EventSourceTest {
  private static final Duration FAST = Duration.ofMillis(50);

  private ScriptedServer server;
  private RecordingListener listener;
  private EventSource source;

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
    listener = new RecordingListener();
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    server.close();
  }

  private EventSource.Builder builder(String path) {
    return EventSource.builder(server.uri(path))
        .listener(listener)
        .reconnectionTime(FAST)
        .retryPolicy(RetryPolicy.browser());
  }

  private EventSource start(EventSource.Builder builder) {
    source = builder.build().start();
    return source;
  }

  @Test
  void dispatchesNamedAndUnnamedEventsWithTheirIds() throws Exception {
    server.then(ex -> ex.stream().send("id: 1\nevent: greeting\ndata: hello\n\n").send("data: world\n\n")
        .awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    assertThat(listener.expectOpen()).isEqualTo(new RecordingListener.Open(200, "text/event-stream"));
    listener.expectEvent("greeting", "hello", "1");
    listener.expectMessage("world", "1");
    assertThat(source.readyState()).isEqualTo(ReadyState.OPEN);
    assertThat(source.lastEventId()).isEqualTo("1");
  }

  @Test
  void everyRequestAcceptsEventStreamAndRefusesCaches() throws Exception {
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").header("Authorization", "Bearer abc"));

    ScriptedServer.Request request = server.takeRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.header("Accept")).isEqualTo("text/event-stream");
    assertThat(request.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(request.header("Authorization")).isEqualTo("Bearer abc");
    assertThat(request.header("Last-Event-ID")).isNull();
  }

  @Test
  void initialLastEventIdIsSentOnTheFirstRequest() throws Exception {
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").lastEventId("41"));

    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("41");
  }

  @Test
  void reconnectsAfterTheServerEndsTheStreamSendingTheLastEventId() throws Exception {
    server.then(ex -> {
      ex.stream().send("id: 7\ndata: a\n\n").end();
    }).then(ex -> ex.stream().send("id: 8\ndata: b\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("a", "7");
    assertThat(listener.expectError(ConnectionException.class, true).endedByServer()).isTrue();
    listener.expectOpen();
    listener.expectMessage("b", "8");
    server.takeRequest();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("7");
  }

  @Test
  void reconnectsWithANonAsciiIdAsTheQueryParameterBecauseAHeaderWouldArriveAsQuestionMarks() throws Exception {
    server.then(ex -> ex.stream().send("id: caf\u00e9 \u4e2d\ud83d\ude00\ndata: a\n\n").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events?topic=t&lastEventID=old"));

    listener.expectOpen();
    listener.expectMessage("a", "caf\u00e9 \u4e2d\ud83d\ude00");
    listener.expectError(ConnectionException.class, true);
    server.takeRequest();
    ScriptedServer.Request reconnection = server.takeRequest();
    assertThat(reconnection.header("Last-Event-ID")).isNull();
    assertThat(reconnection.target())
        .isEqualTo("/events?topic=t&lastEventID=caf%C3%A9%20%E4%B8%AD%F0%9F%98%80");
  }

  @Test
  void idOnlyEventSetsTheIdSentOnReconnection() throws Exception {
    server.then(ex -> ex.stream().send("data: a\n\nid: 9\n\n").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("a", "");
    listener.expectError(ConnectionException.class, true);
    server.takeRequest();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("9");
  }

  @Test
  void emptyIdResetsTheLastEventIdSoNoHeaderIsSent() throws Exception {
    server.then(ex -> ex.stream().send("id: 3\ndata: a\n\nid\ndata: b\n\n").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("a", "3");
    listener.expectMessage("b", "");
    listener.expectError(ConnectionException.class, true);
    server.takeRequest();
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
  }

  @Test
  void eventCutOffByADroppedConnectionIsNotDispatched() throws Exception {
    server.then(ex -> {
      ex.stream().send("data: whole\n\ndata: partial");
      ex.abort();
    }).then(ex -> ex.stream().send("data: next\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("whole", "");
    ConnectionException lost = listener.expectError(ConnectionException.class, true);
    assertThat(lost.endedByServer()).isFalse();
    listener.expectOpen();
    listener.expectMessage("next", "");
  }

  @Test
  void crlfSplitAcrossTcpWritesIsOneLineEnding() throws Exception {
    server.then(ex -> ex.stream().send("data: a\r").pause(100).send("\ndata: b\r").pause(100)
        .send("\n\r").pause(100).send("\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("a\nb", "");
    listener.expectNothingFor(Duration.ofMillis(300));
  }

  @Test
  void commentsReachTheListener() throws Exception {
    server.then(ex -> ex.stream().send(": heartbeat\n\ndata: x\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectComment("heartbeat");
    listener.expectMessage("x", "");
  }

  @Test
  void noContentClosesForGood() throws Exception {
    server.then(ex -> ex.respond(204));
    start(builder("/events"));

    HttpStatusException error = listener.expectError(HttpStatusException.class, false);
    assertThat(error.statusCode()).isEqualTo(204);
    listener.expectClosed();
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    listener.expectNothingFor(Duration.ofMillis(300));
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void serverErrorIsRetriedUntilTheStreamOpens() throws Exception {
    server.then(ex -> ex.respond(500, "Content-Type", "text/plain").send("database down").end())
        .then(ex -> ex.respond(503).end())
        .then(ex -> ex.stream().send("data: up\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").errorPolicy(ErrorPolicy.RESILIENT));

    HttpStatusException first = listener.expectError(HttpStatusException.class, true);
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.body()).isEqualTo("database down");
    assertThat(first.getMessage()).isEqualTo("HTTP 500: database down");
    assertThat(listener.expectError(HttpStatusException.class, true).statusCode()).isEqualTo(503);
    listener.expectOpen();
    listener.expectMessage("up", "");
  }

  @Test
  void unauthorizedClosesForGoodWithStatusHeadersAndBody() throws Exception {
    server.then(ex -> ex.respond(401, "WWW-Authenticate", "Bearer realm=\"hub\"")
        .send("invalid_token: signature does not match").end());
    start(builder("/events"));

    HttpStatusException error = listener.expectError(HttpStatusException.class, false);
    assertThat(error.statusCode()).isEqualTo(401);
    assertThat(error.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"hub\"");
    assertThat(error.getMessage()).isEqualTo("HTTP 401: invalid_token: signature does not match");
    listener.expectClosed();
  }

  @Test
  void browserPolicyGivesUpOnAServerError() throws Exception {
    server.then(ex -> ex.respond(500).end());
    start(builder("/events").errorPolicy(ErrorPolicy.BROWSER));

    listener.expectError(HttpStatusException.class, false);
    listener.expectClosed();
  }

  @Test
  void tooManyRequestsWaitsForRetryAfter() throws Exception {
    server.then(ex -> ex.respond(429, "Retry-After", "1").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").retryPolicy(RetryPolicy.backoff().withJitter(0)));

    listener.expectError(HttpStatusException.class, true);
    long first = server.takeRequest().atNanos();
    long second = server.takeRequest().atNanos();
    assertThat(Duration.ofNanos(second - first)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void consecutiveFailuresGrowTheDelay() throws Exception {
    server.then(ex -> ex.respond(503).end()).then(ex -> ex.respond(503).end())
        .then(ex -> ex.respond(503).end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").reconnectionTime(Duration.ofMillis(100))
        .retryPolicy(RetryPolicy.backoff().withJitter(0).withMultiplier(4)));

    long[] at = new long[4];
    for (int i = 0; i < 4; i++) {
      at[i] = server.takeRequest().atNanos();
    }
    assertThat(Duration.ofNanos(at[1] - at[0])).isGreaterThanOrEqualTo(Duration.ofMillis(90));
    assertThat(Duration.ofNanos(at[2] - at[1])).isGreaterThanOrEqualTo(Duration.ofMillis(390));
    assertThat(Duration.ofNanos(at[3] - at[2])).isGreaterThanOrEqualTo(Duration.ofMillis(1590));
  }

  @Test
  void aConnectionThatStayedHealthyResetsTheBackoff() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.then(ex -> ex.stream().send("data: x\n\n").end());
    }
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    // Every connection opened and so counts as healthy at once: each drop waits the base 100 ms,
    // where growing by x10 would wait 100, 1,000 and then 10,000 ms.
    start(builder("/events").reconnectionTime(Duration.ofMillis(100))
        .retryPolicy(RetryPolicy.backoff().withJitter(0).withMultiplier(10).withMaxDelay(Duration.ofMinutes(1))
            .withResetAfter(Duration.ZERO)));

    long[] at = new long[4];
    for (int i = 0; i < 4; i++) {
      at[i] = server.takeRequest().atNanos();
    }
    assertThat(Duration.ofNanos(at[3] - at[2])).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void wrongContentTypeClosesForGood() throws Exception {
    server.then(ex -> ex.respond(200, "Content-Type", "application/json").send("{}").end());
    start(builder("/events"));

    ContentTypeException error = listener.expectError(ContentTypeException.class, false);
    assertThat(error.contentType()).isEqualTo("application/json");
    listener.expectClosed();
  }

  @Test
  void contentTypeParametersAndCaseAreAccepted() throws Exception {
    server.then(ex -> ex.respond(200, "Content-Type", "Text/Event-Stream; charset=utf-8")
        .send("data: ok\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));

    listener.expectOpen();
    listener.expectMessage("ok", "");
  }

  @Test
  void redirectIsFollowedButReconnectionGoesToTheOriginalUri() throws Exception {
    server.then(ex -> ex.respond(307, "Location", "/moved").end())
        .then(ex -> ex.stream().send("data: a\n\n").end())
        .then(ex -> ex.respond(307, "Location", "/moved").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/start"));

    listener.expectOpen();
    listener.expectMessage("a", "");
    listener.expectError(ConnectionException.class, true);
    listener.expectOpen();
    assertThat(server.takeRequest().target()).isEqualTo("/start");
    assertThat(server.takeRequest().target()).isEqualTo("/moved");
    assertThat(server.takeRequest().target()).isEqualTo("/start");
    assertThat(source.uri()).isEqualTo(server.uri("/start"));
  }

  @Test
  void retryFieldSetsTheReconnectionTime() throws Exception {
    server.then(ex -> ex.stream().send("retry: 100\n\n").end())
        .then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    // Without the retry field the client would wait a minute and the second open would not come.
    start(builder("/events").reconnectionTime(Duration.ofMinutes(1)));

    listener.expectOpen();
    listener.expectError(ConnectionException.class, true);
    listener.expectOpen();
  }

  @Test
  void silentConnectionIsDroppedAfterTheReadTimeoutAndRetried() throws Exception {
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)))
        .then(ex -> ex.stream().send("data: again\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").readTimeout(Duration.ofMillis(300)));

    listener.expectOpen();
    ReadTimeoutException timeout = listener.expectError(ReadTimeoutException.class, true);
    assertThat(timeout.timeout()).isEqualTo(Duration.ofMillis(300));
    listener.expectOpen();
    listener.expectMessage("again", "");
  }

  @Test
  void commentsKeepASlowStreamAlive() throws Exception {
    server.then(ex -> {
      ex.stream();
      for (int i = 0; i < 15; i++) { // 1.5 s in all, longer than the read timeout
        ex.send(":\n").pause(100);
      }
      ex.awaitClientClose(Duration.ofSeconds(10));
    });
    start(builder("/events").readTimeout(Duration.ofSeconds(1)));

    listener.expectOpen();
    for (int i = 0; i < 15; i++) {
      listener.expectComment("");
    }
  }

  @Test
  void closeDuringABlockedReadDropsTheConnection() throws Exception {
    BlockingQueue<Boolean> clientClosed = new LinkedBlockingQueue<>();
    server.then(ex -> {
      ex.stream();
      clientClosed.add(ex.awaitClientClose(Duration.ofSeconds(10)));
    });
    start(builder("/events"));
    listener.expectOpen();

    source.close();

    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    listener.expectClosed();
    assertThat(clientClosed.poll(10, TimeUnit.SECONDS)).as("server saw the connection close").isTrue();
    listener.expectNothingFor(Duration.ofMillis(200));
  }

  @Test
  void closeDuringTheReconnectionDelayCancelsIt() throws Exception {
    server.then(ex -> ex.respond(503).end());
    start(builder("/events").reconnectionTime(Duration.ofSeconds(2)).errorPolicy(ErrorPolicy.RESILIENT));
    listener.expectError(HttpStatusException.class, true);

    source.close();

    listener.expectClosed();
    listener.expectNothingFor(Duration.ofMillis(2500));
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void noCallbackArrivesAfterCloseReturns() throws Exception {
    server.then(ex -> {
      ex.stream();
      for (int i = 0; i < 100_000; i++) {
        ex.send("data: " + i + "\n\n");
      }
    });
    CountDownLatch flowing = new CountDownLatch(50);
    java.util.concurrent.atomic.AtomicInteger afterClose = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    source = EventSource.builder(server.uri("/events")).listener(new EventSourceListener() {
      @Override
      public void onEvent(dev.herald.sse.SseEvent event) {
        if (closed.get()) {
          afterClose.incrementAndGet();
        }
        flowing.countDown();
      }

      @Override
      public void onClosed() {
        if (closed.get()) {
          afterClose.incrementAndGet();
        }
      }
    }).build().start();
    assertThat(flowing.await(10, TimeUnit.SECONDS)).isTrue();

    source.close();
    closed.set(true);

    Thread.sleep(300);
    assertThat(afterClose.get()).isZero();
  }

  @Test
  void closeIsIdempotentAndOnClosedComesOnce() throws Exception {
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events"));
    listener.expectOpen();

    source.close();
    source.close();

    listener.expectClosed();
    listener.expectNothingFor(Duration.ofMillis(200));
  }

  @Test
  void readyStateFollowsTheConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.then(ex -> {
      release.await(10, TimeUnit.SECONDS);
      ex.stream().end();
    }).then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").reconnectionTime(Duration.ofSeconds(1)));

    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
    release.countDown();
    listener.expectOpen();
    listener.expectError(ConnectionException.class, true);
    assertThat(source.readyState()).isEqualTo(ReadyState.CONNECTING);
    listener.expectOpen();
    assertThat(source.readyState()).isEqualTo(ReadyState.OPEN);
    source.close();
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
  }

  @Test
  void postSendsTheBodyAndItsContentType() throws Exception {
    server.then(ex -> ex.stream().send("data: token\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/v1/chat").post("{\"prompt\":\"hi\"}").header("Content-Type", "application/json"));

    ScriptedServer.Request request = server.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo("{\"prompt\":\"hi\"}");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    listener.expectOpen();
    listener.expectMessage("token", "");
  }

  @Test
  void streamBreakingTheParserLimitClosesForGood() throws Exception {
    server.then(ex -> ex.stream().send("data: " + "x".repeat(100) + "\n\n").awaitClientClose(Duration.ofSeconds(10)));
    start(builder("/events").maxLineLength(64).errorPolicy(ErrorPolicy.RESILIENT));

    listener.expectOpen();
    EventSourceException error = listener.expectError(EventSourceException.class, false);
    assertThat(error.getCause()).isInstanceOf(EventStreamLimitException.class);
    listener.expectClosed();
  }

  @Test
  void refusedConnectionIsAConnectionError() throws Exception {
    URI nowhere;
    try (java.net.ServerSocket reserved = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      nowhere = URI.create("http://127.0.0.1:" + reserved.getLocalPort() + "/events");
    }
    source = EventSource.builder(nowhere).listener(listener).errorPolicy(ErrorPolicy.NEVER).build().start();

    ConnectionException error = listener.expectError(ConnectionException.class, false);
    assertThat(error.endedByServer()).isFalse();
    assertThat(error.getMessage()).startsWith("connection failed");
    listener.expectClosed();
  }

  @Test
  void headersTheSourceManagesAreRefused() {
    EventSource.Builder builder = EventSource.builder(server.uri("/"));
    assertThatThrownBy(() -> builder.header("Accept", "*/*")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.header("last-event-id", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lastEventId(");
  }

  @Test
  void headersHttpClientRefusesFailAtBuildTime() {
    EventSource.Builder builder = EventSource.builder(server.uri("/")).listener(listener)
        .header("Connection", "close");
    assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonHttpUriIsRefused() {
    assertThatThrownBy(() -> EventSource.builder(URI.create("ftp://example/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
  }

  @Test
  void buildWithoutAListenerIsRefused() {
    assertThatThrownBy(() -> EventSource.builder(server.uri("/")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("iterator()");
  }
}
