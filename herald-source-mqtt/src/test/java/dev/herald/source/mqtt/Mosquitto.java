package dev.herald.source.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;

/**
 * A publisher on the Mosquitto at 127.0.0.1:1883 (anonymous), with a topic prefix and a client id
 * of the test's own. Without a broker the test is skipped, unless {@code HERALD_REQUIRE_SERVICES=1}
 * (set by {@code .ci/run}) makes that a failure. On close it ends the hub's session under
 * {@link #clientId} (a clean connect), so the broker keeps nothing of the test.
 */
final class Mosquitto implements AutoCloseable {
  static final String SERVER = "tcp://127.0.0.1:1883";

  final MqttClient publisher;
  /** A unique first topic level for the test. */
  final String prefix = "herald-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  /** The client id the test's source uses. */
  final String clientId = "ht-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

  private Mosquitto(MqttClient publisher) {
    this.publisher = publisher;
  }

  static Mosquitto connect() throws Exception {
    MqttClient publisher = new MqttClient(SERVER, "ht-pub-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
        new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setMaxInflight(1000);
    try {
      publisher.connect(options);
    } catch (MqttException e) {
      String message = "no MQTT broker on 127.0.0.1:1883: " + e;
      if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
    }
    return new Mosquitto(publisher);
  }

  /** {@code mqtt://127.0.0.1:1883?client_id=<clientId>&} followed by {@code parameters}. */
  String uri(String parameters) {
    return "mqtt://127.0.0.1:1883?client_id=" + clientId + "&" + parameters;
  }

  /** Publishes at QoS 1 (waits for the broker's PUBACK). */
  void publish(String topic, String payload) throws MqttException {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8), false);
  }

  void publish(String topic, byte[] payload, boolean retained) throws MqttException {
    MqttMessage message = new MqttMessage(payload);
    message.setQos(1);
    message.setRetained(retained);
    publisher.publish(topic, message);
  }

  @Override
  public void close() throws Exception {
    try {
      MqttClient cleaner = new MqttClient(SERVER, clientId, new MemoryPersistence());
      MqttConnectOptions clean = new MqttConnectOptions();
      clean.setCleanSession(true); // discards the session the source left
      cleaner.connect(clean);
      cleaner.disconnect();
      cleaner.close();
    } finally {
      publisher.disconnect();
      publisher.close();
    }
  }
}
