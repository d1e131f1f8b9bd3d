package dev.herald.source.mqtt;

import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * MQTT topic filters as a source, with Eclipse Paho: a persistent session ({@code cleanSession=false}
 * under a stable client id) subscribed at QoS 1 with manual acknowledgements; {@link #acknowledge}
 * sends the PUBACKs of a batch once the log stored it. What was not acknowledged when the hub
 * stopped or crashed, and what was published meanwhile, the broker sends on the next connection.
 *
 * <p>MQTT 3.1.1 gives a message no identity that survives a redelivery (packet identifiers are
 * reused once acknowledged), so the update id is generated ({@code mqtt-} and a random UUID): a
 * message delivered again is published again. Delivery is at least once; redeliveries the broker
 * flags (DUP) are counted and logged. Paho's automatic reconnect is off: the runner reconnects.
 */
final class MqttSource implements Source {
  private static final System.Logger LOG = System.getLogger(MqttSource.class.getName());
  private static final long TIMEOUT_MILLIS = 10_000;

  private final MqttSettings settings;
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong retainedSkipped = new AtomicLong();
  private MqttAsyncClient client;
  private volatile MessageBuffer buffer; // read by wakeup()
  private volatile boolean woken;
  private boolean closed;
  private int capacity = 500; // the runner's batch, once a poll said it
  private long lastRedeliveryLog = System.nanoTime() - 1_000_000_000L;

  /** What {@link #acknowledge} acks: these packet ids (with their QoS) on {@code client}. */
  private record Position(MqttAsyncClient client, int[] ids, int[] qos) {}

  MqttSource(MqttSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return settings.name();
  }

  /** Messages the broker flagged as sent again (DUP), each published again. */
  long redelivered() {
    return redelivered.get();
  }

  /** Retained messages acknowledged without being published ({@code retained=false}). */
  long retainedSkipped() {
    return retainedSkipped.get();
  }

  @Override
  public void connect() throws Exception {
    disconnect();
    MqttAsyncClient opened = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
    opened.setManualAcks(true);
    MessageBuffer callback = new MessageBuffer(capacity);
    opened.setCallback(callback);
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(false); // the broker keeps the subscription and what was not acknowledged
    options.setAutomaticReconnect(false);
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setConnectionTimeout((int) (TIMEOUT_MILLIS / 1000));
    options.setKeepAliveInterval(settings.keepAliveSeconds());
    if (settings.user() != null) {
      options.setUserName(settings.user());
    }
    if (settings.password() != null) {
      options.setPassword(settings.password().toCharArray());
    }
    client = opened;
    buffer = callback;
    opened.connect(options).waitForCompletion(TIMEOUT_MILLIS);
    String[] filters = settings.filters().toArray(String[]::new);
    int[] qos = new int[filters.length];
    Arrays.fill(qos, settings.qos());
    IMqttToken subscribed = opened.subscribe(filters, qos);
    subscribed.waitForCompletion(TIMEOUT_MILLIS);
    int[] granted = subscribed.getGrantedQos();
    for (int i = 0; i < granted.length && i < filters.length; i++) {
      if (granted[i] == 0x80) {
        throw new IOException("the broker refused the subscription to '" + filters[i] + "'");
      }
      if (granted[i] < settings.qos()) {
        LOG.log(System.Logger.Level.WARNING, "source=" + name() + " the broker granted QoS " + granted[i] + " for '"
            + filters[i] + "': messages it sends meanwhile may be lost");
      }
    }
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
    MessageBuffer current = buffer;
    if (client == null || current == null) {
      throw new IllegalStateException("not connected");
    }
    capacity = maxMessages;
    current.capacity(maxMessages);
    if (woken) {
      return SourceBatch.EMPTY;
    }
    List<MessageBuffer.Arrived> arrived = current.take(wait.toNanos(), maxMessages);
    if (arrived.isEmpty()) {
      return SourceBatch.EMPTY;
    }
    List<Update> updates = new ArrayList<>(arrived.size());
    List<String> refused = new ArrayList<>();
    int[] ids = new int[arrived.size()];
    int[] qos = new int[arrived.size()];
    int count = 0;
    for (MessageBuffer.Arrived message : arrived) {
      if (message.message().isRetained() && !settings.retained()) {
        retainedSkipped.incrementAndGet();
        client.messageArrivedComplete(message.message().getId(), message.message().getQos()); // not stored: done
        continue;
      }
      ids[count] = message.message().getId();
      qos[count++] = message.message().getQos();
      String id = "mqtt-" + UUID.randomUUID();
      if (message.message().isDuplicate()) {
        countRedelivered();
      }
      try {
        updates.add(settings.mapping().map(id, Map.of("mqtt_topic", message.topic()), message.message().getPayload(),
            header -> null));
      } catch (RefusedMessage e) {
        refused.add(e.getMessage());
      }
    }
    if (count == 0) {
      return SourceBatch.EMPTY;
    }
    return new SourceBatch(updates, refused, new Position(client, Arrays.copyOf(ids, count), Arrays.copyOf(qos, count)));
  }

  private void countRedelivered() {
    long count = redelivered.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastRedeliveryLog >= 1_000_000_000L) {
      lastRedeliveryLog = now;
      LOG.log(System.Logger.Level.WARNING, "source=" + name() + " the broker sent a message again (DUP): it is"
          + " published again under a new id if the hub had stored it (at least once; " + count + " so far)");
    }
  }

  @Override
  public void acknowledge(SourceBatch batch) throws Exception {
    if (!(batch.position() instanceof Position position)) {
      return;
    }
    MessageBuffer current = buffer;
    if (position.client() != client || current == null || current.failed() || !client.isConnected()) {
      throw new IOException("the connection that delivered this batch was lost; the broker sends its messages again");
    }
    for (int i = 0; i < position.ids().length; i++) {
      client.messageArrivedComplete(position.ids()[i], position.qos()[i]);
    }
  }

  @Override
  public void wakeup() {
    woken = true;
    MessageBuffer current = buffer;
    if (current != null) {
      current.wake();
    }
  }

  private void disconnect() {
    MessageBuffer current = buffer;
    if (current != null) {
      current.closing();
    }
    MqttAsyncClient old = client;
    client = null;
    if (old != null) {
      try {
        // no DISCONNECT packet needed: the session stays (cleanSession=false) with what was not acknowledged
        old.disconnectForcibly(0, 1_000, false);
      } catch (MqttException | RuntimeException e) {
        // already gone
      }
      try {
        old.close(true);
      } catch (MqttException | RuntimeException e) {
        // already closed
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    disconnect();
  }
}
