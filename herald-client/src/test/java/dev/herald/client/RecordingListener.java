package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every callback in order; each {@code expect...} takes the next one and fails if it is of
 * another kind, so a test also fails on any callback it did not expect.
 */
final class RecordingListener implements EventSourceListener {
  record Open(int status, String contentType) {}

  record Event(SseEvent event) {}

  record Comment(String text) {}

  record Error(EventSourceException error, boolean willRetry) {}

  record Closed() {}

  private static final Duration WAIT = Duration.ofSeconds(10);
  private final BlockingQueue<Object> callbacks = new LinkedBlockingQueue<>();

  @Override
  public void onOpen(HttpResponse.ResponseInfo response) {
    callbacks.add(new Open(response.statusCode(),
        response.headers().firstValue("Content-Type").orElse("")));
  }

  @Override
  public void onEvent(SseEvent event) {
    callbacks.add(new Event(event));
  }

  @Override
  public void onComment(String comment) {
    callbacks.add(new Comment(comment));
  }

  @Override
  public void onError(EventSourceException error, boolean willRetry) {
    callbacks.add(new Error(error, willRetry));
  }

  @Override
  public void onClosed() {
    callbacks.add(new Closed());
  }

  Object next() throws InterruptedException {
    Object next = callbacks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      throw new AssertionError("no callback within " + WAIT.toSeconds() + " s");
    }
    return next;
  }

  <T> T next(Class<T> kind) throws InterruptedException {
    Object next = next();
    assertThat(next).as("next callback").isInstanceOf(kind);
    return kind.cast(next);
  }

  Open expectOpen() throws InterruptedException {
    return next(Open.class);
  }

  SseEvent expectEvent(String type, String data, String lastEventId) throws InterruptedException {
    SseEvent event = next(Event.class).event();
    assertThat(event).isEqualTo(new SseEvent(lastEventId, type, data, null, null));
    return event;
  }

  SseEvent expectMessage(String data, String lastEventId) throws InterruptedException {
    return expectEvent("message", data, lastEventId);
  }

  void expectComment(String text) throws InterruptedException {
    assertThat(next(Comment.class).text()).isEqualTo(text);
  }

  <E extends EventSourceException> E expectError(Class<E> type, boolean willRetry)
      throws InterruptedException {
    Error error = next(Error.class);
    assertThat(error.error()).isInstanceOf(type);
    assertThat(error.willRetry()).as("willRetry of %s", error.error()).isEqualTo(willRetry);
    return type.cast(error.error());
  }

  void expectClosed() throws InterruptedException {
    next(Closed.class);
  }

  /** Fails if any callback arrives within {@code quiet}. */
  void expectNothingFor(Duration quiet) throws InterruptedException {
    Object next = callbacks.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(next).as("unexpected callback").isNull();
  }

  int pending() {
    return callbacks.size();
  }
}
