package dev.herald.source.nats;

import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JetStream stream consumed through a durable pull consumer with explicit acks. Each message
 * becomes an update with id {@code nats-<stream>-<stream sequence>}, the same on every redelivery;
 * its messages are acknowledged, one by one and in stream order, only in {@link #acknowledge}, after
 * the log stored them (the last ack of a batch waits for the server's answer, so a lost connection
 * shows there). The client does not reconnect by itself: the runner connects again, and
 * {@link JetStreamSetup#consumer} restarts the durable after its ack floor so that what was left
 * unacknowledged comes again at once and in order.
 */
final class NatsSource implements Source {
  /** How long the last ack of a batch waits for the server's answer. */
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
  private static final long LAG_REFRESH_NANOS = 1_000_000_000L;

  private final NatsSettings settings;
  private volatile Connection connection; // volatile for dropConnection, a test's hook
  private JetStreamSubscription subscription;
  private long lagCheckedNanos;
  private volatile long lag = -1;
  private volatile Thread polling;
  private volatile boolean woken;

  NatsSource(NatsSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public void connect() throws Exception {
    disconnect();
    Options.Builder options = Options.builder().server(settings.serverUrl()).connectionName("herald")
        .maxReconnects(0) // the runner reconnects, and resets the durable to its ack floor when it does
        .connectionTimeout(Duration.ofSeconds(5))
        .errorListener(new QuietErrors(settings.name()));
    if (settings.user() != null) {
      options.userInfo(settings.user().toCharArray(), settings.password().toCharArray());
    } else if (settings.token() != null) {
      options.token(settings.token().toCharArray());
    }
    connection = Nats.connect(options.build());
    try {
      JetStreamManagement jsm = connection.jetStreamManagement();
      ConsumerInfo consumer = JetStreamSetup.consumer(jsm, settings, JetStreamSetup.stream(jsm, settings));
      lag = consumer.getNumPending();
      lagCheckedNanos = System.nanoTime();
      subscription = connection.jetStream().subscribe(null, PullSubscribeOptions.bind(settings.stream(),
          settings.durable()));
    } catch (Exception | LinkageError e) {
      disconnect();
      throw e;
    }
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
    if (subscription == null) {
      throw new IllegalStateException("not connected");
    }
    requireConnected();
    List<Message> messages;
    polling = Thread.currentThread();
    try {
      messages = woken ? List.of() : subscription.fetch(maxMessages, Duration.ofMillis(Math.max(1, wait.toMillis())));
    } finally {
      polling = null;
    }
    if (woken) {
      woken = false;
      return SourceBatch.EMPTY; // stopping: what was fetched comes again (nothing was acknowledged)
    }
    if (messages.isEmpty()) {
      refreshLag();
      return SourceBatch.EMPTY;
    }
    List<Update> updates = new ArrayList<>(messages.size());
    List<String> refused = new ArrayList<>();
    List<Message> delivered = new ArrayList<>(messages.size());
    for (Message message : messages) {
      if (!message.isJetStream()) {
        continue; // a status message: fetch handles those, this is only a guard
      }
      delivered.add(message);
      String id = "nats-" + settings.stream() + "-" + message.metaData().streamSequence();
      byte[] data = message.getData();
      try {
        updates.add(settings.mapping().map(id, Map.of("subject", message.getSubject(), "stream", settings.stream()),
            data == null ? new byte[0] : data, name -> header(message, name)));
      } catch (RefusedMessage e) {
        refused.add(e.getMessage());
      }
    }
    if (delivered.isEmpty()) {
      return SourceBatch.EMPTY;
    }
    lag = delivered.get(delivered.size() - 1).metaData().pendingCount();
    lagCheckedNanos = System.nanoTime();
    return new SourceBatch(updates, refused, List.copyOf(delivered));
  }

  /**
   * The client's error reports at debug level: a failure that matters surfaces from connect, poll or
   * acknowledge, and the runner logs it once (the client's default listener logs each at SEVERE).
   */
  private record QuietErrors(String source) implements ErrorListener {
    private static final System.Logger LOG = System.getLogger(NatsSource.class.getName());

    @Override
    public void errorOccurred(Connection connection, String error) {
      LOG.log(System.Logger.Level.DEBUG, () -> "source=" + source + " server error: " + error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
      LOG.log(System.Logger.Level.DEBUG, () -> "source=" + source + " client exception: " + exception);
    }
  }

  private void requireConnected() throws IOException {
    Connection open = connection;
    Connection.Status status = open == null ? Connection.Status.CLOSED : open.getStatus();
    if (status != Connection.Status.CONNECTED) {
      throw new IOException("the connection to " + settings.serverUrl() + " is " + status);
    }
  }

  private static String header(Message message, String name) {
    Headers headers = message.getHeaders();
    if (headers == null) {
      return null;
    }
    String value = headers.getFirst(name);
    if (value == null) {
      List<String> any = headers.getIgnoreCase(name);
      value = any == null || any.isEmpty() ? null : any.get(0);
    }
    return value;
  }

  /** The consumer's pending count, asked at most once a second while nothing comes. */
  private void refreshLag() throws IOException, JetStreamApiException {
    if (System.nanoTime() - lagCheckedNanos >= LAG_REFRESH_NANOS) {
      lag = subscription.getConsumerInfo().getNumPending();
      lagCheckedNanos = System.nanoTime();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void acknowledge(SourceBatch batch) throws Exception {
    List<Message> messages = (List<Message>) batch.position();
    if (messages == null || messages.isEmpty()) {
      return;
    }
    requireConnected(); // an ack on a closed connection is dropped silently; ackSync would wait its timeout
    int last = messages.size() - 1;
    for (int i = 0; i < last; i++) {
      messages.get(i).ack();
    }
    messages.get(last).ackSync(ACK_TIMEOUT); // the server answers once it processed it, after the others
  }

  /** Messages in the stream the durable has not delivered yet (refreshed by each poll), or -1 before connecting. */
  @Override
  public long lag() {
    return lag;
  }

  /** Closes the connection as a network failure would, from another thread (for tests). */
  void dropConnection() throws InterruptedException {
    Connection open = connection;
    if (open != null) {
      open.close();
    }
  }

  /** Whether a poll is waiting for messages now (for tests). */
  boolean fetching() {
    return polling != null;
  }

  @Override
  public void wakeup() {
    woken = true;
    Thread thread = polling;
    if (thread != null) {
      thread.interrupt(); // the client's fetch returns at once, keeping the interrupt flag
    }
  }

  private void disconnect() throws InterruptedException {
    subscription = null;
    Connection open = connection;
    connection = null;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public void close() {
    try {
      disconnect();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
