package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.sse.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** The blocking way to consume a source. */
class EventIteratorTest {
  private ScriptedServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private EventSource.Builder builder() {
    return EventSource.builder(server.uri("/events")).reconnectionTime(Duration.ofMillis(50));
  }

  @Test
  void iteratesEventsAcrossReconnectionsUntilTheServerSaysStop() throws Exception {
    server.then(ex -> ex.stream().send("id: 1\ndata: a\n\n").end())
        .then(ex -> ex.stream().send("id: 2\ndata: b\n\n").end())
        .then(ex -> ex.respond(204));
    try (EventIterator events = builder().iterator()) {
      assertThat(events.next()).isEqualTo(new SseEvent("1", "message", "a", null, null));
      assertThat(events.next()).isEqualTo(new SseEvent("2", "message", "b", null, null));
      assertThat(events.hasNext()).isFalse();
      assertThatThrownBy(events::next).isInstanceOf(NoSuchElementException.class);
      assertThat(events.readyState()).isEqualTo(ReadyState.CLOSED);
    }
  }

  @Test
  void terminalErrorIsThrownAfterTheBufferedEvents() throws Exception {
    server.then(ex -> ex.stream().send("data: a\n\n").end())
        .then(ex -> ex.respond(403).send("forbidden topic").end());
    try (EventIterator events = builder().iterator()) {
      assertThat(events.next().data()).isEqualTo("a");
      assertThatThrownBy(events::hasNext)
          .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
  }

  @Test
  void pollReturnsNullWhenNothingArrivesInTime() throws Exception {
    server.then(ex -> ex.stream().awaitClientClose(Duration.ofSeconds(10)));
    try (EventIterator events = builder().iterator()) {
      assertThat(events.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void streamLimitsAndClosesTheSource() throws Exception {
    BlockingQueue<Boolean> clientClosed = new LinkedBlockingQueue<>();
    server.then(ex -> {
      ex.stream().send("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
      clientClosed.add(ex.awaitClientClose(Duration.ofSeconds(10)));
    });
    EventIterator events = builder().iterator();
    List<String> data;
    try (var stream = events.stream()) {
      data = stream.limit(3).map(SseEvent::data).collect(Collectors.toList());
    }
    assertThat(data).containsExactly("1", "2", "3");
    assertThat(clientClosed.poll(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events.readyState()).isEqualTo(ReadyState.CLOSED);
  }

  @Test
  void closingWhileTheBufferIsFullReleasesTheConnection() throws Exception {
    int events = EventIterator.DEFAULT_CAPACITY * 3;
    BlockingQueue<Boolean> clientClosed = new LinkedBlockingQueue<>();
    server.then(ex -> {
      ex.stream();
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < events; i++) {
        batch.append("data: ").append(i).append("\n\n");
      }
      ex.send(batch.toString());
      clientClosed.add(ex.awaitClientClose(Duration.ofSeconds(10)));
    });
    EventIterator iterator = builder().iterator();
    assertThat(iterator.next().data()).isEqualTo("0");
    Thread.sleep(200); // let the buffer fill and the delivering thread block

    iterator.close();

    assertThat(clientClosed.poll(10, TimeUnit.SECONDS)).as("connection closed").isTrue();
    assertThat(iterator.hasNext()).isFalse();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void iteratesOnAVirtualThread() throws Exception {
    server.then(ex -> ex.stream().send("data: a\n\ndata: b\n\n").awaitClientClose(Duration.ofSeconds(10)));
    BlockingQueue<Object> result = new LinkedBlockingQueue<>();
    Runnable consume = () -> {
      try (EventIterator events = builder().iterator()) {
        result.add(events.next().data() + events.next().data());
      } catch (RuntimeException e) {
        result.add(e);
      }
    };
    // Compiled for Java 17, so the Java 21 API is reached reflectively.
    Thread thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class)
        .invoke(null, consume);

    assertThat(result.poll(10, TimeUnit.SECONDS)).isEqualTo("ab");
    assertThat((Boolean) Thread.class.getMethod("isVirtual").invoke(thread)).isTrue();
  }

  @Test
  void aSlowConsumerIsNotMistakenForASilentServer() throws Exception {
    server.then(ex -> {
      ex.stream();
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < EventIterator.DEFAULT_CAPACITY * 2; i++) {
        batch.append("data: ").append(i).append("\n\n");
      }
      ex.send(batch.toString());
      while (true) { // then comments, so that the stream is never silent on its own account
        ex.pause(50).send(":\n");
      }
    });
    List<EventSourceException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    EventSourceListener errorsOnly = new EventSourceListener() {
      @Override
      public void onEvent(SseEvent event) {}

      @Override
      public void onError(EventSourceException error, boolean willRetry) {
        errors.add(error);
      }
    };
    try (EventIterator events = builder().readTimeout(Duration.ofMillis(200)).listener(errorsOnly).iterator()) {
      assertThat(events.next().data()).isEqualTo("0");
      Thread.sleep(800); // the buffer is full and the delivering thread waits on us, for 4 read timeouts
      for (int i = 1; i < EventIterator.DEFAULT_CAPACITY * 2; i++) {
        assertThat(events.next().data()).isEqualTo(Integer.toString(i));
      }
      Thread.sleep(100); // a timeout decided while we were slow would be reported by now
    }
    assertThat(errors).as("errors reported").isEmpty();
    assertThat(server.connectionCount()).as("no reconnection").isEqualTo(1);
  }

  @Test
  void listenerAlsoSeesEveryCallbackInIteratorMode() throws Exception {
    RecordingListener listener = new RecordingListener();
    server.then(ex -> ex.stream().send("data: a\n\n").awaitClientClose(Duration.ofSeconds(10)));
    try (EventIterator events = builder().listener(listener).iterator()) {
      assertThat(events.next().data()).isEqualTo("a");
      listener.expectOpen();
      listener.expectMessage("a", "");
    }
    listener.expectClosed();
  }
}
