package dev.herald.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The publishing side of {@code herald bench --stream-publish}: one streaming publish per topic (a
 * {@code POST} whose {@code text/event-stream} body stays open for the whole run, as an LLM answer or
 * a build log does), each update one event written to its topic's stream as it is due. Plain
 * sockets, one chunk per event, written by the pacing thread: a hub that stops reading a stream makes
 * the publisher late, which the run reports. The hub answers each stream only when it ends
 * ({@link #finish}): then the updates count as acknowledged.
 */
final class BenchStreams {
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
  private static final Pattern LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");

  /** What a stream's answer said: its status, and how many ids it listed (the events it published). */
  record Answer(int status, long ids, String firstLine) {}

  private final BenchTargets targets;
  private final String authorization;
  private final Socket[] sockets;
  private final OutputStream[] outputs;

  BenchStreams(BenchTargets targets, String authorization, int topics) {
    this.targets = targets;
    this.authorization = authorization;
    this.sockets = new Socket[topics];
    this.outputs = new OutputStream[topics];
  }

  /** Writes one event with {@code data} to the topic's stream, opening the stream first if needed. */
  void send(int topic, String data) throws IOException {
    if (outputs[topic] == null) {
      open(topic);
    }
    byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    OutputStream out = outputs[topic];
    out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(event);
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  private void open(int topic) throws IOException {
    URI publish = targets.publish(topic);
    Socket socket = new Socket(publish.getHost(), BenchTargets.port(publish));
    socket.setTcpNoDelay(true);
    sockets[topic] = socket;
    String path = BenchTargets.pathAndQuery(publish);
    String query = "topic=" + URLEncoder.encode(targets.topicName(topic), StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder("POST ").append(path).append(path.contains("?") ? '&' : '?')
        .append(query).append(" HTTP/1.1\r\nHost: ").append(BenchTargets.hostHeader(publish))
        .append("\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    head.append("\r\n");
    outputs[topic] = new java.io.BufferedOutputStream(socket.getOutputStream(), 8192);
    outputs[topic].write(head.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the topic's stream was opened (an update was sent to it). */
  boolean opened(int topic) {
    return outputs[topic] != null;
  }

  /** Ends the topic's stream and reads the hub's answer, within {@code timeout}; closes the socket. */
  Answer finish(int topic, Duration timeout) {
    Socket socket = sockets[topic];
    try (socket) {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      outputs[topic].write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      outputs[topic].flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      return new Answer(0, 0, e.getClass().getSimpleName());
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[16384];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      answer.write(buffer, 0, n);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        continue;
      }
      Matcher length = LENGTH.matcher(text.substring(0, headEnd));
      if (length.find() && answer.size() >= headEnd + 4 + Long.parseLong(length.group(1))) {
        break;
      }
    }
    String text = answer.toString(StandardCharsets.UTF_8);
    Matcher status = STATUS.matcher(text);
    int code = status.find() ? Integer.parseInt(status.group(1)) : 0;
    int headEnd = text.indexOf("\r\n\r\n");
    String body = headEnd < 0 ? "" : text.substring(headEnd + 4);
    long ids = code == 200 ? body.lines().filter(line -> !line.isEmpty()).count() : 0;
    return new Answer(code, ids, body.lines().findFirst().orElse(""));
  }
}
