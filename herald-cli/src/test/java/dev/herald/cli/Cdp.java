package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One Chrome DevTools Protocol connection (to one page target) over the JDK's WebSocket: commands
 * carry an id and wait for the reply with that id, within a deadline; events go to listeners by
 * method name. Nothing here knows about pages; {@link BrowserPage} builds on it.
 */
final class Cdp implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<JsonNode>>> listeners = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private WebSocket socket;

  private Cdp() {}

  /** Opens the WebSocket at {@code url} (a target's {@code webSocketDebuggerUrl}). */
  static Cdp connect(URI url, Duration timeout) throws IOException, InterruptedException {
    Cdp cdp = new Cdp();
    try {
      cdp.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
          .buildAsync(url, cdp.new Receiver()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot open the DevTools WebSocket " + url, e);
    }
    return cdp;
  }

  /** Sends {@code method} and returns its {@code result}, waiting at most {@link #DEFAULT_TIMEOUT}. */
  JsonNode send(String method, Map<String, ?> params) {
    return send(method, params, DEFAULT_TIMEOUT);
  }

  /** Sends {@code method}; a protocol error, a closed connection or the deadline is an AssertionError. */
  JsonNode send(String method, Map<String, ?> params, Duration timeout) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", JSON.valueToTree(params));
    try {
      // The JDK WebSocket allows one outstanding send: callers on several threads are serialized.
      synchronized (this) {
        socket.sendText(message.toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      JsonNode answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (answer.has("error")) {
        throw new AssertionError(method + " failed: " + answer.get("error"));
      }
      return answer.path("result");
    } catch (TimeoutException e) {
      throw new AssertionError(method + ": no reply within " + timeout);
    } catch (ExecutionException e) {
      throw new AssertionError(method + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(method + " interrupted", e);
    } finally {
      pending.remove(id);
    }
  }

  /** Calls {@code listener} with the {@code params} of every later event named {@code method}. */
  void on(String method, Consumer<JsonNode> listener) {
    listeners.computeIfAbsent(method, m -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /**
   * The {@code params} of the next event named {@code method}. Register before sending the command
   * that causes it, or the event may come first and be missed.
   */
  CompletableFuture<JsonNode> next(String method) {
    CompletableFuture<JsonNode> event = new CompletableFuture<>();
    Consumer<JsonNode> once = event::complete;
    on(method, once);
    event.whenComplete((params, error) -> listeners.get(method).remove(once));
    return event;
  }

  private void dispatch(String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (IOException e) {
      return; // not JSON: the protocol never sends that, and one bad frame must not end the session
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> reply = pending.get(message.get("id").asInt());
      if (reply != null) {
        reply.complete(message);
      }
    } else if (message.has("method")) {
      for (Consumer<JsonNode> listener : listeners.getOrDefault(message.get("method").asText(), List.of())) {
        listener.accept(message.path("params"));
      }
    }
  }

  private void fail(Throwable cause) {
    closed.complete(null);
    pending.values().forEach(reply -> reply.completeExceptionally(cause));
  }

  @Override
  public void close() {
    if (socket != null && !closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
      socket.abort();
    }
    fail(new IOException("DevTools connection closed"));
  }

  /** Reassembles text frames (screenshots arrive in many) into messages. */
  private final class Receiver implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        dispatch(text);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      fail(new IOException("DevTools connection closed: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      fail(error);
    }
  }
}
