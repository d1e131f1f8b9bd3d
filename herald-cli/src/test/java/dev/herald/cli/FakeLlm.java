package dev.herald.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.hub.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An LLM chat API as docs/llm-streaming.md relays one, as small as a test allows: a {@code POST}
 * with a JSON body and an {@code Authorization} header is answered with {@code text/event-stream},
 * one {@code data: {"token":"..."}} event per token of {@link #ANSWER} every {@link #PACE}, then
 * {@code data: [DONE]}, as OpenAI-style APIs do. It can stop after a given number of tokens until the
 * test lets it go on, so that "mid-answer" is a state the test waits for rather than a moment it hopes
 * to hit.
 */
final class FakeLlm implements AutoCloseable {
  /** The API key the requests must carry. */
  static final String KEY = "fake-llm-key";
  /** The tokens of the one answer this LLM knows: its 45 words, each with the space after it. */
  static final List<String> ANSWER = tokens();
  static final Duration PACE = Duration.ofMillis(50);
  /** Bounds the wait for {@link #goOn()}: a test that forgot it fails instead of hanging. */
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final int pauseAfter;
  private final CountDownLatch goOn = new CountDownLatch(1);
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<String> refused = new AtomicReference<>();

  private FakeLlm(HttpServer server, int pauseAfter) {
    this.server = server;
    this.pauseAfter = pauseAfter;
  }

  /** Listens on a free loopback port; streams every token without a pause. */
  static FakeLlm start() throws IOException {
    return start(-1);
  }

  /** Listens on a free loopback port; stops after {@code pauseAfter} tokens until {@link #goOn()}. */
  static FakeLlm start(int pauseAfter) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    FakeLlm llm = new FakeLlm(server, pauseAfter);
    server.createContext("/v1/chat", llm::answer);
    server.setExecutor(llm.handlers); // the dispatcher thread must not sleep between tokens
    server.start();
    return llm;
  }

  /** The chat endpoint's URL. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat");
  }

  /** The answer as a viewer shows it: its tokens, joined. */
  static String answerText() {
    return String.join("", ANSWER);
  }

  /** Lets a paused answer go on. */
  void goOn() {
    goOn.countDown();
  }

  /** The number of tokens written so far. */
  int sent() {
    return sent.get();
  }

  /** Why the last request was refused, or null: a test's failure message says what the relay sent. */
  String refused() {
    return refused.get();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String problem = !"POST".equals(exchange.getRequestMethod()) ? "not a POST"
          : !("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization")) ? "no API key"
          : !String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")
              || !body.strip().startsWith("{") ? "no JSON body"
          : null;
      if (problem != null) {
        refused.set(problem);
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0); // 0: chunked, each flush sends what was written
      OutputStream out = exchange.getResponseBody();
      for (String token : ANSWER) {
        if (sent.get() == pauseAfter && !goOn.await(LONGEST_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
          return; // cut off: the relay publishes what it received
        }
        Thread.sleep(PACE.toMillis());
        write(out, "data: {\"token\":" + Json.string(token) + "}\n\n");
        sent.incrementAndGet();
      }
      write(out, "data: [DONE]\n\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static List<String> tokens() {
    String text = "Server-Sent Events keep one HTTP response open and write each event as a few lines of"
        + " text; the browser's EventSource reads them, and when the connection drops it reconnects"
        + " with the id of the last event it saw, so the hub sends what it missed.";
    return List.of(text.split("(?<= )"));
  }

  @Override
  public void close() {
    goOn.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }
}
