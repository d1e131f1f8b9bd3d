package dev.herald.source.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * One RabbitMQ queue as a source: a consumer with manual acknowledgements and a prefetch of one
 * batch, whose deliveries {@link #poll} takes; {@link #acknowledge} acks a batch with one
 * {@code basic.ack(multiple)} once the log stored it. A channel that closes (a crash, a reconnect)
 * returns what it had not acknowledged to the queue, where the broker puts it back in its place; a
 * message with a {@code message_id} comes back with the same update id and the log skips it.
 * Without a {@code message_id} the update id is generated ({@code amqp-} and a random UUID) and a
 * redelivered message the hub had stored is published again: at least once; such redeliveries are
 * counted and logged. The client's automatic recovery is off: the runner reconnects.
 */
final class RabbitMqSource implements Source {
  private static final System.Logger LOG = System.getLogger(RabbitMqSource.class.getName());
  private static final int MAX_ID_LENGTH = 256;
  private static final long LAG_CACHE_NANOS = 1_000_000_000L;

  private final RabbitMqSettings settings;
  private final AtomicLong republished = new AtomicLong();
  private volatile Connection connection;
  private Channel channel;
  private volatile DeliveryBuffer consumer; // read by wakeup()
  private volatile boolean closed;
  private volatile boolean woken;
  private long lastRepublishLog = System.nanoTime() - 1_000_000_000L;
  // lag(): a channel of its own (other threads), a cached answer
  private final Object lagLock = new Object();
  private Channel lagChannel;
  private long lagValue = -1;
  private long lagAt;

  /** What {@link #acknowledge} acks: every delivery of {@code consumer}'s channel up to {@code tag}. */
  private record Position(DeliveryBuffer consumer, long tag) {}

  RabbitMqSource(RabbitMqSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return settings.name();
  }

  /** Messages without a {@code message_id} delivered again (flagged redelivered): perhaps published twice. */
  long republished() {
    return republished.get();
  }

  @Override
  public void connect() throws Exception {
    disconnect();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.host());
    factory.setPort(settings.port());
    if (settings.user() != null) {
      factory.setUsername(settings.user());
    }
    if (settings.password() != null) {
      factory.setPassword(settings.password());
    }
    factory.setVirtualHost(settings.vhost());
    if (settings.tls()) {
      useTls(factory);
    }
    factory.setAutomaticRecoveryEnabled(false); // the runner reconnects; recovered delivery tags would not match
    factory.setTopologyRecoveryEnabled(false);
    factory.setConnectionTimeout(10_000);
    factory.setHandshakeTimeout(10_000);
    factory.setChannelRpcTimeout(10_000);
    factory.setRequestedHeartbeat(30);
    Connection opened = factory.newConnection("herald source " + settings.queue());
    connection = opened;
    channel = opened.createChannel();
    try {
      channel.queueDeclarePassive(settings.queue());
    } catch (IOException e) {
      if (!notFound(e)) {
        throw e;
      }
      if (!settings.declare()) {
        throw new IllegalStateException("queue '" + settings.queue() + "' does not exist in vhost '"
            + settings.vhost() + "' (and declare=false)");
      }
      channel = opened.createChannel(); // the failed passive declare closed the first one
      channel.queueDeclare(settings.queue(), true, false, false, null);
      LOG.log(System.Logger.Level.INFO, "source=" + name() + " declared the durable queue " + settings.queue());
    }
  }

  private static void useTls(ConnectionFactory factory) throws NoSuchAlgorithmException {
    factory.useSslProtocol(SSLContext.getDefault()); // the JDK's trust store, not "trust everything"
    factory.enableHostnameVerification();
  }

  private static boolean notFound(IOException e) {
    return e.getCause() instanceof ShutdownSignalException signal
        && signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND;
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
    if (channel == null) {
      throw new IllegalStateException("not connected");
    }
    if (consumer == null) { // the prefetch is the runner's batch, known only now
      DeliveryBuffer buffer = new DeliveryBuffer(channel);
      channel.basicQos(Math.min(maxMessages, 65_535));
      channel.basicConsume(settings.queue(), false, buffer);
      consumer = buffer;
    }
    if (woken) {
      return SourceBatch.EMPTY;
    }
    List<Delivery> deliveries = consumer.take(wait.toNanos(), maxMessages);
    if (deliveries.isEmpty()) {
      return SourceBatch.EMPTY;
    }
    List<Update> updates = new ArrayList<>(deliveries.size());
    List<String> refused = new ArrayList<>();
    for (Delivery delivery : deliveries) {
      try {
        updates.add(map(delivery));
      } catch (RefusedMessage e) {
        refused.add(e.getMessage());
      }
    }
    long last = deliveries.get(deliveries.size() - 1).getEnvelope().getDeliveryTag();
    return new SourceBatch(updates, refused, new Position(consumer, last));
  }

  Update map(Delivery delivery) throws RefusedMessage {
    AMQP.BasicProperties properties = delivery.getProperties();
    String messageId = properties.getMessageId();
    String id;
    if (messageId == null || messageId.isEmpty()) {
      id = "amqp-" + UUID.randomUUID();
      if (delivery.getEnvelope().isRedeliver()) {
        countRepublished();
      }
    } else {
      id = messageId;
      String problem = idProblem(messageId);
      if (problem != null) {
        throw new RefusedMessage(id.length() > 64 ? id.substring(0, 64) + "..." : id, "its message_id " + problem);
      }
    }
    Map<String, String> variables = new HashMap<>(4);
    variables.put("routing_key", delivery.getEnvelope().getRoutingKey());
    variables.put("exchange", delivery.getEnvelope().getExchange());
    variables.put("queue", settings.queue());
    Map<String, Object> headers = properties.getHeaders();
    Update update = settings.mapping().map(id, variables, delivery.getBody(),
        name -> headers == null ? null : text(headers.get(name)));
    if (settings.typeProperty()) {
      update = new Update(update.id(), update.topics(), update.data(), update.isPrivate(), properties.getType(),
          update.retryMillis());
    }
    return update;
  }

  /** Why {@code id} cannot be an update id (an SSE {@code id:} line, a Mercure id), or {@code null}. */
  static String idProblem(String id) {
    if (id.length() > MAX_ID_LENGTH) {
      return "is longer than " + MAX_ID_LENGTH + " characters";
    }
    if (id.startsWith("#") || id.equals("earliest")) {
      return "starts with '#' or is 'earliest', which Mercure reserves";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        return "holds a CR, LF or NUL";
      }
    }
    return null;
  }

  /** A header's value as text: AMQP long strings and byte arrays as UTF-8, other values as written. */
  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value.toString(); // LongString.toString() decodes UTF-8
  }

  private void countRepublished() {
    long count = republished.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastRepublishLog >= 1_000_000_000L) {
      lastRepublishLog = now;
      LOG.log(System.Logger.Level.WARNING, "source=" + name() + " a message without message_id was delivered again:"
          + " if the hub had stored it, it is published twice (at least once; " + count + " such redeliveries so far);"
          + " set message_id when publishing");
    }
  }

  @Override
  public void acknowledge(SourceBatch batch) throws Exception {
    if (!(batch.position() instanceof Position position)) {
      return;
    }
    if (position.consumer() != consumer || consumer.failed()) {
      throw new IOException("the channel that delivered this batch closed; the broker delivers its messages again");
    }
    channel.basicAck(position.tag(), true);
  }

  @Override
  public long lag() {
    synchronized (lagLock) {
      long now = System.nanoTime();
      if (lagValue >= 0 && now - lagAt < LAG_CACHE_NANOS) {
        return lagValue;
      }
      Connection current = connection;
      if (current == null || !current.isOpen() || closed) {
        return -1;
      }
      try {
        if (lagChannel == null || !lagChannel.isOpen() || lagChannel.getConnection() != current) {
          lagChannel = current.createChannel();
        }
        lagValue = lagChannel.queueDeclarePassive(settings.queue()).getMessageCount();
        lagAt = now;
        return lagValue;
      } catch (IOException | RuntimeException e) {
        lagValue = -1;
        return -1;
      }
    }
  }

  @Override
  public void wakeup() {
    woken = true;
    DeliveryBuffer current = consumer;
    if (current != null) {
      current.wake();
    }
  }

  private void disconnect() {
    if (consumer != null) {
      consumer.closing();
    }
    consumer = null;
    channel = null;
    Connection current = connection;
    connection = null;
    if (current != null) {
      current.abort(2_000); // unacknowledged deliveries return to the queue
    }
    synchronized (lagLock) {
      lagChannel = null;
      lagValue = -1;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    disconnect();
  }
}
