package dev.herald.source.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The RabbitMQ on 127.0.0.1:5672 (guest/guest) and a queue of the test's own, deleted on close.
 * Without a broker the test is skipped, unless {@code HERALD_REQUIRE_SERVICES=1} (set by
 * {@code .ci/run}) makes that a failure.
 */
final class RabbitBroker implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5672;

  final Connection connection;
  final Channel channel;
  final String queue;

  private RabbitBroker(Connection connection, String queue) throws Exception {
    this.connection = connection;
    this.channel = connection.createChannel();
    this.queue = queue;
    channel.confirmSelect();
  }

  /** Connects, with a fresh queue name (the queue is not declared). */
  static RabbitBroker connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(HOST);
    factory.setPort(PORT);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    Connection connection;
    try {
      connection = factory.newConnection("herald test");
    } catch (java.io.IOException e) {
      String message = "no RabbitMQ on " + HOST + ":" + PORT + " (guest/guest): " + e;
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
      return null;
    }
    return new RabbitBroker(connection, "herald-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  /** Declares the queue (durable) now. */
  RabbitBroker declare() throws Exception {
    channel.queueDeclare(queue, true, false, false, null);
    return this;
  }

  /** {@code amqp://guest:guest@127.0.0.1:5672/?queue=<queue>&} followed by {@code parameters}. */
  String uri(String parameters) {
    return "amqp://guest:guest@" + HOST + ":" + PORT + "/?queue=" + queue + "&" + parameters;
  }

  /** Publishes to the queue through the default exchange and waits for the broker's confirm. */
  void publish(String messageId, String body) throws Exception {
    publish("", queue, new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2).build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) throws Exception {
    channel.basicPublish(exchange, routingKey, properties, body);
    channel.waitForConfirmsOrDie(10_000);
  }

  /** Publishes {@code count} messages {@code m-<n>} (ids and bodies alike), confirmed once at the end. */
  void publishNumbered(int from, int count, boolean withIds) throws Exception {
    for (int n = from; n < from + count; n++) {
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
          .messageId(withIds ? "m-" + n : null).deliveryMode(2).build();
      channel.basicPublish("", queue, properties, ("m-" + n).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(30_000);
  }

  /** Messages ready in the queue (not those delivered and unacknowledged). */
  long ready() throws Exception {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /** Consumers on the queue. */
  long consumers() throws Exception {
    return channel.queueDeclarePassive(queue).getConsumerCount();
  }

  static AMQP.BasicProperties headers(String messageId, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().messageId(messageId).headers(headers).build();
  }

  @Override
  public void close() throws Exception {
    try {
      if (channel.isOpen()) {
        channel.queueDelete(queue);
      }
    } finally {
      connection.abort(2_000);
    }
  }
}
