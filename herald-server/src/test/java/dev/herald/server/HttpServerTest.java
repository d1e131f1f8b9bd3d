package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ConnectionException;
import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.EventSourceException;
import dev.herald.client.EventSourceListener;
import dev.herald.client.RetryPolicy;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server end to end on a loopback port, with Herald's client, the JDK's and raw sockets. */
@ExtendWith(LeakRecorder.class)
class HttpServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private TestApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private EventIterator subscribe(String topic) throws InterruptedException {
    int before = app.fanOut.size(); // counted first: the new subscription may register at once
    EventIterator events = EventSource.builder(URI.create(app.url("/stream?topic=" + topic)))
        .errorPolicy(ErrorPolicy.NEVER).iterator();
    awaitSubscribers(before + 1);
    return events;
  }

  private void awaitSubscribers(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (app.fanOut.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + app.fanOut.size() + " of " + count + " subscribers registered");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void publishedEventsReachMatchingStreamsOnly() throws Exception {
    app = new TestApp();
    try (EventIterator a = subscribe("a"); EventIterator b = subscribe("b")) {
      app.publish("a", "for a");
      app.publish("b", "for b");

      assertThat(a.next()).isEqualTo(new SseEvent("1", "message", "for a", null, null));
      assertThat(b.next()).isEqualTo(new SseEvent("2", "message", "for b", null, null));
      assertThat(a.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void aBatchPublishedAtOnceReachesMatchingStreamsInOrder() throws Exception {
    app = new TestApp();
    try (EventIterator a = subscribe("a"); EventIterator b = subscribe("b")) {
      List<FanOut.Published<TestApp.Update>> batch = new java.util.ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        String topic = i % 3 == 0 ? "b" : "a";
        batch.add(new FanOut.Published<>(new TestApp.Update(topic, "e" + i), i,
            dev.herald.sse.SseEncoder.encode(SseEvent.builder().id(Integer.toString(i)).data("e" + i).build())));
      }

      app.fanOut.publishAll(batch);

      for (int i = 1; i <= 300; i++) {
        assertThat((i % 3 == 0 ? b : a).next().data()).isEqualTo("e" + i);
      }
      assertThat(a.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void aBatchLargerThanTheUnsentLimitReachesAReaderThatKeepsUp() throws Exception {
    // 3 MiB in one go against a 256 KiB limit: the reader is not slow, whatever the transport
    // does with a flush (epoll writes at once; io_uring in the loop's next I/O round).
    app = new TestApp(HttpServer.builder().writeBufferHighWaterMark(256 * 1024));
    String data = "d".repeat(1024);
    try (EventIterator events = subscribe("t")) {
      List<FanOut.Published<TestApp.Update>> batch = new java.util.ArrayList<>();
      for (int i = 1; i <= 3000; i++) {
        batch.add(new FanOut.Published<>(new TestApp.Update("t", data), i,
            dev.herald.sse.SseEncoder.encode(SseEvent.builder().id(Integer.toString(i)).data(data).build())));
      }

      app.fanOut.publishAll(batch);

      for (int i = 1; i <= 3000; i++) {
        SseEvent event = events.poll(Duration.ofSeconds(10));
        assertThat(event).as("event " + i).isNotNull();
        assertThat(event.id()).isEqualTo(Integer.toString(i));
      }
      assertThat(app.server.slowConsumersClosed()).isZero();
    }
  }

  @Test
  void publishingAfterCloseDeliversNothingWithoutLeakingTheEncodedEvent() throws Exception {
    app = new TestApp();
    TestApp closed = app;
    try (EventIterator events = subscribe("a")) {
      app = null; // closed here, not again after the test
      closed.close();
      // A shared log's tail may still deliver as its hub closes: refused while a subscription still
      // counts, else skipped as nobody listens; either way (LeakRecorder) nothing is held.
      try {
        closed.publish("a", "too late");
      } catch (java.util.concurrent.RejectedExecutionException refused) {
        // the loops are gone
      }
    }
  }

  @Test
  void eventsArriveInPublishOrder() throws Exception {
    app = new TestApp();
    try (EventIterator events = subscribe("t")) {
      for (int i = 0; i < 1000; i++) {
        app.publish("t", Integer.toString(i));
      }
      for (int i = 0; i < 1000; i++) {
        assertThat(events.next().data()).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void streamResponseHasEventStreamHeadersAndAnImmediateComment() throws Exception {
    app = new TestApp();
    try (Socket socket = new Socket("127.0.0.1", app.server.address().getPort())) {
      socket.getOutputStream().write("GET /stream?topic=t HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String head = readUntil(socket.getInputStream(), ": \n\n");
      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n")
          .containsIgnoringCase("content-type: text/event-stream; charset=utf-8\r\n")
          .containsIgnoringCase("transfer-encoding: chunked\r\n")
          .containsIgnoringCase("x-accel-buffering: no\r\n")
          .containsIgnoringCase("cache-control: no-cache\r\n")
          .doesNotContainIgnoringCase("content-encoding")
          .endsWith("\r\n\r\n4\r\n: \n\n");
    }
  }

  @Test
  void idleStreamsGetHeartbeatComments() throws Exception {
    app = new TestApp(HttpServer.builder().heartbeat(Duration.ofMillis(100)));
    BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    EventSource source = EventSource.builder(URI.create(app.url("/stream?topic=t")))
        .listener(new EventSourceListener() {
          @Override
          public void onEvent(SseEvent event) {}

          @Override
          public void onComment(String comment) {
            comments.add(comment);
          }
        }).build().start();
    try {
      for (int i = 0; i < 4; i++) { // the opening comment, then heartbeats
        assertThat(comments.poll(5, TimeUnit.SECONDS)).isEqualTo("");
      }
    } finally {
      source.close();
    }
  }

  @Test
  void slowConsumerIsDisconnectedWhileOthersKeepReceiving() throws Exception {
    app = new TestApp(HttpServer.builder().writeBufferHighWaterMark(64 * 1024));
    try (Socket stalled = new Socket("127.0.0.1", app.server.address().getPort());
        EventIterator healthy = subscribe("t")) {
      stalled.setReceiveBufferSize(4096);
      stalled.getOutputStream().write("GET /stream?topic=t HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      awaitSubscribers(2);
      String payload = "x".repeat(8 * 1024);
      int sent = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (app.server.slowConsumersClosed() == 0 && System.nanoTime() < deadline && sent < 5000) {
        app.publish("t", payload);
        sent++;
        assertThat(healthy.next().data()).hasSize(payload.length());
      }
      assertThat(app.server.slowConsumersClosed()).as("stalled reader closed").isEqualTo(1);
      app.publish("t", "still flowing");
      assertThat(healthy.next().data()).isEqualTo("still flowing");
    }
  }

  @Test
  void aSubscriptionWhoseFilterThrowsIsClosedWhileEveryOtherOneGetsTheEvent() throws Exception {
    app = new TestApp();
    List<EventIterator> before = new ArrayList<>();
    List<EventIterator> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      before.add(subscribe("t"));
    }
    EventIterator fragile = EventSource.builder(URI.create(app.url("/fragile?topic=t")))
        .errorPolicy(ErrorPolicy.NEVER).retryPolicy(RetryPolicy.browser()).reconnectionTime(Duration.ofHours(1))
        .iterator();
    awaitSubscribers(5);
    for (int i = 0; i < 4; i++) {
      after.add(subscribe("t")); // later in the shard's list than the failing one
    }
    try {
      app.publish("t", "boom");
      for (EventIterator events : before) {
        assertThat(events.poll(Duration.ofSeconds(10)).data()).isEqualTo("boom");
      }
      for (EventIterator events : after) {
        assertThat(events.poll(Duration.ofSeconds(10)).data()).isEqualTo("boom");
      }
      assertThat(app.server.subscriptionsFailed()).isEqualTo(1);
      awaitExactly(8);
      app.publish("t", "next");
      for (EventIterator events : after) {
        assertThat(events.poll(Duration.ofSeconds(10)).data()).isEqualTo("next");
      }
    } finally {
      fragile.close();
      before.forEach(EventIterator::close);
      after.forEach(EventIterator::close);
    }
  }

  @Test
  void costlySubscriptionsGetEveryEventInOrder() throws Exception {
    app = new TestApp();
    try (EventIterator cheap = subscribe("t");
        EventIterator costly = EventSource.builder(URI.create(app.url("/costly?topic=t")))
            .errorPolicy(ErrorPolicy.NEVER).iterator()) {
      awaitSubscribers(2);
      for (int i = 0; i < 500; i++) {
        app.publish(i % 2 == 0 ? "t" : "other", Integer.toString(i));
      }
      for (int i = 0; i < 500; i += 2) {
        assertThat(costly.next().data()).isEqualTo(Integer.toString(i));
        assertThat(cheap.next().data()).isEqualTo(Integer.toString(i));
      }
      assertThat(costly.poll(Duration.ofMillis(100))).isNull();
    }
  }

  /** Waits until exactly {@code count} subscriptions are registered (some closed). */
  private void awaitExactly(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (app.fanOut.size() != count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(app.fanOut.size() + " subscribers registered, expected " + count);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void pendingSubscriptionGetsWhatWasPublishedBeforeItsStreamOpenedAfterItsReplay() throws Exception {
    app = new TestApp();
    EventIterator events = EventSource.builder(URI.create(app.url("/late?topic=t&upTo=2")))
        .errorPolicy(ErrorPolicy.NEVER).iterator();
    try (events) {
      awaitSubscribers(1);
      for (int i = 1; i <= 5; i++) {
        app.publish("t", "event " + i); // sequences 1..5, all while the stream is not open yet
      }
      assertThat(events.next().data()).isEqualTo("event 3"); // 1 and 2 count as replayed
      assertThat(events.next().data()).isEqualTo("event 4");
      assertThat(events.next().data()).isEqualTo("event 5");
      app.publish("t", "live");
      assertThat(events.next().data()).isEqualTo("live");
    }
  }

  @Test
  void pendingSubscriptionHoldingTooMuchIsClosedAsASlowConsumer() throws Exception {
    app = new TestApp(HttpServer.builder().writeBufferHighWaterMark(16 * 1024));
    EventIterator events = EventSource.builder(URI.create(app.url("/late?topic=t&upTo=0")))
        .errorPolicy(ErrorPolicy.NEVER).iterator();
    try (events) {
      awaitSubscribers(1);
      for (int i = 0; i < 10; i++) {
        app.publish("t", "x".repeat(4096));
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(events::hasNext)
          .isInstanceOf(ConnectionException.class);
      assertThat(app.server.slowConsumersClosed()).isEqualTo(1);
    }
  }

  @Test
  void closeEndsStreamsCleanly() throws Exception {
    app = new TestApp();
    BlockingQueue<EventSourceException> errors = new LinkedBlockingQueue<>();
    EventSource source = EventSource.builder(URI.create(app.url("/stream?topic=t")))
        .errorPolicy(ErrorPolicy.NEVER)
        .listener(new EventSourceListener() {
          @Override
          public void onEvent(SseEvent event) {}

          @Override
          public void onError(EventSourceException error, boolean willRetry) {
            errors.add(error);
          }
        }).build().start();
    awaitSubscribers(1);

    app.close();
    app = null;

    EventSourceException error = errors.poll(10, TimeUnit.SECONDS);
    assertThat(error).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) error).endedByServer()).as("clean end, not a reset").isTrue();
    source.close();
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void linuxUsesEpollUnlessTheProcessAsksForAnotherTransport() throws Exception {
    app = new TestApp();
    String asked = System.getProperty(Transport.PROPERTY); // the io_uring run of these tests sets it
    assertThat(app.server.transport()).isEqualTo(asked == null ? "epoll" : asked);
  }

  @Test
  void theBuildersTransportIsTheOneUsed() throws Exception {
    app = new TestApp(HttpServer.builder().transport(Transport.NIO));
    assertThat(app.server.transport()).isEqualTo("nio");
    try (EventIterator events = subscribe("t")) {
      app.publish("t", "over nio");
      assertThat(events.poll(Duration.ofSeconds(10)).data()).isEqualTo("over nio");
    }
  }

  @Test
  void wholeResponsesKeepTheConnectionAlive() throws Exception {
    app = new TestApp();
    try (Socket socket = new Socket("127.0.0.1", app.server.address().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntil(socket.getInputStream(), "hi")).startsWith("HTTP/1.1 200 OK");
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nyou".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntil(socket.getInputStream(), "you")).startsWith("HTTP/1.1 200 OK");
    }
  }

  @Test
  void handlerFailureIsA500() throws Exception {
    app = new TestApp();
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.url("/boom"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).startsWith("internal_error");
  }

  @Test
  void aHandlerThatOverflowsItsStackStillAnswers500() throws Exception {
    app = new TestApp();
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.url("/overflow")))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).startsWith("internal_error");
  }

  @Test
  void overlongRequestLineIs414() throws Exception {
    app = new TestApp(HttpServer.builder().maxRequestLineLength(256));
    assertThat(rawStatus("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(414);
  }

  @Test
  void withAFlushIntervalEventsStillArriveInOrder() throws Exception {
    app = new TestApp(HttpServer.builder().flushInterval(Duration.ofMillis(20)));
    try (EventIterator events = subscribe("t")) {
      for (int i = 0; i < 5; i++) {
        app.publish("t", "d" + i);
      }
      for (int i = 0; i < 5; i++) {
        assertThat(events.poll(Duration.ofSeconds(10)).data()).isEqualTo("d" + i);
      }
    }
  }

  @Test
  void aQuietLoopFlushesAtOnceWhateverTheFlushInterval() throws Exception {
    // an interval far longer than the poll: the first event after a quiet spell must not wait for it
    app = new TestApp(HttpServer.builder().flushInterval(Duration.ofMinutes(5)));
    try (EventIterator events = subscribe("t")) {
      app.publish("t", "now");
      assertThat(events.poll(Duration.ofSeconds(30)).data()).isEqualTo("now");
    }
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    app = new TestApp(HttpServer.builder().maxHeaderSize(512));
    assertThat(rawStatus("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(1000) + "\r\n\r\n")).isEqualTo(431);
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    app = new TestApp(HttpServer.builder().maxBodySize(100));
    assertThat(rawStatus("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n" + "c".repeat(200)))
        .isEqualTo(413);
  }

  @Test
  void oversizedBodyStillBeingSentGetsAReadable413() throws Exception {
    app = new TestApp(HttpServer.builder().maxBodySize(100));
    try (Socket socket = new Socket("127.0.0.1", app.server.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[64 * 1024];
      try {
        for (int i = 0; i < 61; i++) { // keeps sending after the server has answered: it must not reset
          out.write(block);
        }
      } catch (IOException closedWhileSending) {
        // the server may close its side after lingering; what matters is that the answer arrived
      }
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413").contains("body_too_large");
    }
  }

  @Test
  void requestsAtTheLimitsAreServed() throws Exception {
    app = new TestApp(HttpServer.builder().maxBodySize(100));
    assertThat(rawStatus("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "c".repeat(100)))
        .isEqualTo(200);
  }

  @Test
  void fanOutDeliversOneEncodingToManySubscribers() throws Exception {
    app = new TestApp();
    List<EventIterator> subscribers = new CopyOnWriteArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        subscribers.add(EventSource.builder(URI.create(app.url("/stream?topic=t")))
            .errorPolicy(ErrorPolicy.NEVER).iterator());
      }
      awaitSubscribers(50);
      for (int i = 0; i < 20; i++) {
        app.publish("t", "event " + i);
      }
      for (EventIterator subscriber : subscribers) {
        for (int i = 0; i < 20; i++) {
          assertThat(subscriber.next().data()).isEqualTo("event " + i);
        }
      }
    } finally {
      subscribers.forEach(EventIterator::close);
    }
  }

  private int rawStatus(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", app.server.address().getPort())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String head = readUntil(socket.getInputStream(), "\r\n");
      return Integer.parseInt(head.split(" ")[1]);
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    while (!seen.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + seen.toString(StandardCharsets.UTF_8));
      }
      seen.write(b);
    }
    return seen.toString(StandardCharsets.UTF_8);
  }
}
