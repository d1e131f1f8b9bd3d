package dev.herald.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An event stream source for relay tests, like an LLM API: it answers only a POST with the expected
 * body and {@code Authorization} header, then writes what the test {@link #send sends}, each piece
 * flushed at once, until the test {@link #end ends} it. Or it refuses with a status and content type.
 */
final class FakeSource implements AutoCloseable {
  static final String API_KEY = "Bearer sk-test-key";
  static final String REQUEST = "{\"model\":\"m\",\"stream\":true}";
  private static final String END = "\u0000end";

  private final HttpServer server;
  private final BlockingQueue<String> script = new LinkedBlockingQueue<>();
  private volatile int status = 200;
  private volatile String contentType = "text/event-stream";
  private volatile String refusal = "";
  /** What was wrong with the last request, or null. */
  volatile String badRequest;
  volatile int requests;

  FakeSource() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat");
  }

  /** Answers every request with this status, content type and body instead of a stream. */
  FakeSource refuseWith(int status, String contentType, String body) {
    this.status = status;
    this.contentType = contentType;
    this.refusal = body;
    return this;
  }

  /** Writes {@code text} on the stream (once a request came), flushed. */
  void send(String text) {
    script.add(text);
  }

  /** Ends the stream normally. */
  void end() {
    script.add(END);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests++;
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String problem = !exchange.getRequestMethod().equals("POST") ? "method " + exchange.getRequestMethod()
        : !API_KEY.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? "no API key"
        : !REQUEST.equals(body) ? "body " + body : null;
    badRequest = problem;
    if (problem != null) {
      answer(exchange, 400, "text/plain", "bad request: " + problem);
      return;
    }
    if (status != 200 || !contentType.equals("text/event-stream")) {
      answer(exchange, status, contentType, refusal);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (String piece = take(); !piece.equals(END); piece = take()) {
        out.write(piece.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  private String take() throws IOException {
    try {
      String piece = script.poll(30, TimeUnit.SECONDS);
      if (piece == null) {
        throw new IOException("the test sent nothing for 30 s");
      }
      return piece;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    end(); // a handler still streaming ends
    server.stop(0);
  }
}
