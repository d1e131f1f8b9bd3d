package dev.herald.source.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The NATS server with JetStream on 127.0.0.1:4222 that this machine runs (.ci/run starts it): a
 * client connection for the test's own publishing and inspection, and the streams the test made,
 * deleted on {@link #close}. Without a server the test is skipped, unless
 * {@code HERALD_REQUIRE_SERVICES=1} (set by .ci/run) makes that a failure.
 */
final class NatsServer implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int PORT = 4222;

  final Connection connection;
  final JetStream js;
  final JetStreamManagement jsm;
  private final List<String> streams = new ArrayList<>();

  private NatsServer(Connection connection) throws IOException {
    this.connection = connection;
    this.js = connection.jetStream();
    this.jsm = connection.jetStreamManagement();
  }

  /** Connects, or skips (fails when services are required) the calling test if no server listens. */
  static NatsServer connect() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 1000);
    } catch (IOException e) {
      String message = "no NATS server on " + HOST + ":" + PORT + " (install Debian's nats-server and run it with -js)";
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
    }
    return new NatsServer(Nats.connect(Options.builder().server("nats://" + HOST + ":" + PORT).build()));
  }

  /** A stream name of the test's own (deleted on close whether or not the hub created it). */
  String stream(String prefix) {
    String name = prefix.toUpperCase(Locale.ROOT) + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong())
        .toUpperCase(Locale.ROOT);
    streams.add(name);
    return name;
  }

  /** A source URI for {@code stream} with subjects {@code subject.>}, plus {@code more} parameters. */
  static String uri(String stream, String more) {
    return "nats://" + HOST + ":" + PORT + "?stream=" + stream + "&subjects=" + subject(stream) + ".>" + more;
  }

  /** The subject prefix a test uses for {@code stream}. */
  static String subject(String stream) {
    return stream.toLowerCase(Locale.ROOT);
  }

  /** Publishes and returns the stream sequence. */
  long publish(String subject, String data) throws Exception {
    return publish(subject, data.getBytes(StandardCharsets.UTF_8), null);
  }

  long publish(String subject, byte[] data, Headers headers) throws Exception {
    return js.publish(NatsMessage.builder().subject(subject).data(data).headers(headers).build()).getSeqno();
  }

  ConsumerInfo consumer(String stream, String durable) throws IOException, JetStreamApiException {
    return jsm.getConsumerInfo(stream, durable);
  }

  @Override
  public void close() throws Exception {
    try {
      for (String stream : streams) {
        try {
          jsm.deleteStream(stream);
        } catch (JetStreamApiException e) {
          // never made
        }
      }
    } finally {
      connection.close();
    }
  }

}
