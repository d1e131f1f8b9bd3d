package dev.herald.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One streaming publish in flight: {@code POST HUB?topic=...} with {@code Content-Type:
 * text/event-stream} and a chunked body written piece by piece as the caller produces it, each
 * piece flushed at once so the hub publishes events as they come.
 *
 * <p>Why a socket and not {@link java.net.http.HttpClient}: the JDK's client reads the response only
 * after the whole body is sent, and a hub that refuses a stream (a bad token, an event too large) answers
 * at once and drops the rest of the body. Behind {@code tail -f} the body never ends, so the refusal
 * would never be seen. Here a reader thread takes the answer whenever it comes, and {@link #answered()}
 * tells the producer to stop. HTTP/1.1 only, plain or TLS (the JVM's trust store, host name checked).
 *
 * <p>Heartbeats: a hub ends a body that sends nothing for its idle timeout (60 s by default), so while
 * the producer is quiet for the heartbeat interval a comment line ({@code :}) is sent, only between
 * lines (where the SSE parser ignores it), never inside one.
 */
final class StreamUpload implements AutoCloseable {
  /** A comment line every 20 s of silence: well inside a hub's default 60 s idle timeout. */
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
  /**
   * The life of a token signed with --jwt-secret for a stream: the hub ends a stream when its token
   * expires, and a build log or a relayed answer may run for hours.
   */
  static final Duration TOKEN_TTL = Duration.ofHours(24);
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  /** How long the hub may take to answer once the body ended (it stores the last events first). */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
  private static final byte[] HEARTBEAT = {':', '\n'};

  private final URI hub;
  private final Socket socket;
  private final OutputStream out;
  private final CompletableFuture<HubAnswer> answer = new CompletableFuture<>();
  private final ScheduledExecutorService heartbeats;
  private final long heartbeatNanos;
  private long lastWriteNanos = System.nanoTime();
  /** The last byte written ended a line (LF), or none was: a comment line may go in here. */
  private boolean atLineStart = true;
  private boolean finished;

  private StreamUpload(URI hub, Socket socket, Duration heartbeat) throws IOException {
    this.hub = hub;
    this.socket = socket;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    this.heartbeatNanos = heartbeat.toNanos();
    Thread reader = new Thread(this::readAnswer, "herald-hub-answer");
    reader.setDaemon(true);
    reader.start();
    if (heartbeatNanos > 0) {
      heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "herald-heartbeat");
        thread.setDaemon(true);
        return thread;
      });
      long tick = Math.max(heartbeatNanos / 4, 1);
      heartbeats.scheduleWithFixedDelay(this::heartbeat, tick, tick, TimeUnit.NANOSECONDS);
    } else {
      heartbeats = null;
    }
  }

  /**
   * Connects to {@code hub} and sends the request head for a stream of updates on {@code topics}
   * authorized by {@code bearer}. {@link Duration#ZERO} heartbeat: none.
   */
  static StreamUpload open(URI hub, List<String> topics, boolean isPrivate, String bearer, Duration heartbeat)
      throws IOException {
    Socket socket = connect(hub);
    try {
      StreamUpload upload = new StreamUpload(hub, socket, heartbeat);
      upload.writeHead(topics, isPrivate, bearer);
      return upload;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Socket connect(URI hub) throws IOException {
    boolean tls = "https".equalsIgnoreCase(hub.getScheme());
    String host = hub.getHost().startsWith("[") ? hub.getHost().substring(1, hub.getHost().length() - 1)
        : hub.getHost();
    int port = hub.getPort() >= 0 ? hub.getPort() : tls ? 443 : 80;
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      plain.setTcpNoDelay(true); // each event is flushed for a subscriber waiting on it
      if (!tls) {
        return plain;
      }
      SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
          .createSocket(plain, host, port, true);
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
      secure.startHandshake();
      return secure;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /** The hub URL with the topics (and {@code private}) in the query, as a streaming publish takes them. */
  static String target(URI hub, List<String> topics, boolean isPrivate) {
    StringJoiner query = new StringJoiner("&");
    if (hub.getRawQuery() != null && !hub.getRawQuery().isEmpty()) {
      query.add(hub.getRawQuery());
    }
    topics.forEach(topic -> query.add("topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)));
    if (isPrivate) {
      query.add("private=on");
    }
    String path = hub.getRawPath() == null || hub.getRawPath().isEmpty() ? "/" : hub.getRawPath();
    return path + "?" + query;
  }

  private synchronized void writeHead(List<String> topics, boolean isPrivate, String bearer) throws IOException {
    boolean defaultPort = hub.getPort() < 0;
    String head = "POST " + target(hub, topics, isPrivate) + " HTTP/1.1\r\n"
        + "Host: " + hub.getHost() + (defaultPort ? "" : ":" + hub.getPort()) + "\r\n"
        + "Content-Type: text/event-stream\r\n"
        + "Authorization: Bearer " + bearer + "\r\n"
        + "Transfer-Encoding: chunked\r\n"
        + "Accept: text/plain\r\n"
        + "User-Agent: herald\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    lastWriteNanos = System.nanoTime();
  }

  /** Sends {@code bytes[offset, offset + length)} as one chunk, at once. */
  synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    if (finished) {
      throw new IOException("the stream has ended");
    }
    if (length == 0) {
      return; // a zero-length chunk would end the body
    }
    out.write(Integer.toHexString(length).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1));
    out.write('\r');
    out.write('\n');
    out.write(bytes, offset, length);
    out.write('\r');
    out.write('\n');
    out.flush();
    atLineStart = bytes[offset + length - 1] == '\n';
    lastWriteNanos = System.nanoTime();
  }

  /** Sends all of {@code bytes} as one chunk. */
  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  /**
   * Ends the body: the hub stores what it has and answers, within {@link #ANSWER_TIMEOUT} (a long
   * stream's last events are stored first) or the answer fails.
   */
  synchronized void finish() throws IOException {
    if (!finished) {
      finished = true;
      answer.orTimeout(ANSWER_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  /** Whether the hub answered already (before the body ended: it refused the stream). */
  boolean answered() {
    return answer.isDone();
  }

  /** The answer, when it comes. */
  CompletableFuture<HubAnswer> answer() {
    return answer;
  }

  /**
   * Waits for the hub's answer: while the body goes on, until the hub answers early (a refusal); once
   * {@link #finish() finished}, up to {@link #ANSWER_TIMEOUT}.
   */
  HubAnswer await() throws IOException, InterruptedException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new IOException(hub + " did not answer within " + ANSWER_TIMEOUT.toSeconds()
            + " s after the stream ended");
      }
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private void readAnswer() {
    try {
      answer.complete(ResponseReader.read(new BufferedInputStream(socket.getInputStream())));
    } catch (IOException | RuntimeException e) {
      answer.completeExceptionally(e);
    }
  }

  private void heartbeat() {
    synchronized (this) {
      if (finished || !atLineStart || System.nanoTime() - lastWriteNanos < heartbeatNanos) {
        return;
      }
      try {
        write(HEARTBEAT);
      } catch (IOException e) {
        // The producer's next write, or the answer, reports the broken connection.
      }
    }
  }

  /** Stops the heartbeats and closes the connection (a reader waiting for the answer gets an error). */
  @Override
  public void close() {
    if (heartbeats != null) {
      heartbeats.shutdownNow();
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}
