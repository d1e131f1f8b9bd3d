package dev.herald.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on a loopback port whose responses are scripted byte by byte: each new
 * connection runs the next queued {@link Handler}, which writes a status, chunks (each one flushed as
 * its own TCP write), a clean end, or an abrupt reset. Records every request.
 */
public final class ScriptedServer implements AutoCloseable {
  /** One connection's script. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange) throws Exception;
  }

  /** A request as received. */
  public record Request(String method, String target, Map<String, String> headers, String body, long atNanos) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final ServerSocket socket;
  private final ConcurrentLinkedQueue<Handler> script = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  public ScriptedServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "scripted-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Queues the script for the next connection. */
  public ScriptedServer then(Handler handler) {
    script.add(handler);
    return this;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
  }

  /** The next request received, waiting up to 10 s. */
  public Request takeRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request arrived within 10 s");
    }
    return request;
  }

  /** A request arriving within {@code wait}, or null. */
  public Request pollRequest(Duration wait) throws InterruptedException {
    return requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int connectionCount() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) {
      s.close();
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        connections.incrementAndGet();
        open.add(client);
        Thread worker = new Thread(() -> serve(client), "scripted-connection");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      Request request = readRequest(in);
      if (request == null) {
        return;
      }
      requests.add(request);
      Handler handler = script.poll();
      Exchange exchange = new Exchange(client, in);
      if (handler == null) {
        exchange.respond(503, "Content-Type", "text/plain");
        exchange.send("no script left for this connection");
        exchange.end();
      } else {
        handler.handle(exchange);
      }
    } catch (Exception ignored) {
      // the client went away, or the test closed the server
    } finally {
      open.remove(client);
    }
  }

  private static Request readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    long at = System.nanoTime();
    String[] parts = requestLine.split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    String body = "";
    String length = headers.get("content-length");
    if (length != null) {
      body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    }
    return new Request(parts[0], parts[1], headers, body, at);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /** Writes one response, chunk by chunk. */
  public static final class Exchange {
    private final Socket client;
    private final InputStream in;
    private final OutputStream out;
    private boolean chunked;

    Exchange(Socket client, InputStream in) throws IOException {
      this.client = client;
      this.in = in;
      this.out = client.getOutputStream();
    }

    /** Status line and headers (pairs of name, value); the body is chunked unless status is 204. */
    public Exchange respond(int status, String... headerPairs) throws IOException {
      StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Status\r\n");
      for (int i = 0; i < headerPairs.length; i += 2) {
        head.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
      }
      head.append("Connection: close\r\n"); // one response per connection: no pooled reuse to script around
      chunked = status != 204 && status != 304;
      if (chunked) {
        head.append("Transfer-Encoding: chunked\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    }

    /** A 200 event stream response. */
    public Exchange stream() throws IOException {
      return respond(200, "Content-Type", "text/event-stream");
    }

    /** One chunk, flushed as its own write. */
    public Exchange send(String text) throws IOException {
      return sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public Exchange sendBytes(byte[] bytes) throws IOException {
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    }

    public Exchange pause(long millis) throws InterruptedException {
      Thread.sleep(millis);
      return this;
    }

    /** Ends the body cleanly and closes the connection. */
    public void end() throws IOException {
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.flush();
      client.shutdownOutput();
      awaitClientClose(Duration.ofSeconds(5));
    }

    /** Resets the connection: the client sees an I/O error, not an end of body. */
    public void abort() throws IOException {
      client.setSoLinger(true, 0);
      client.close();
    }

    /** Keeps the response open until the client closes the connection; returns whether it did. */
    public boolean awaitClientClose(Duration limit) throws IOException {
      client.setSoTimeout((int) limit.toMillis());
      try {
        while (in.read() != -1) {
          // discard anything the client still sends
        }
        return true;
      } catch (java.net.SocketTimeoutException stillOpen) {
        return false;
      } catch (SocketException reset) {
        return true;
      }
    }
  }

  /** Every request received so far, for assertions about counts. */
  public List<Request> drainRequests() {
    List<Request> all = new ArrayList<>();
    requests.drainTo(all);
    return all;
  }
}
