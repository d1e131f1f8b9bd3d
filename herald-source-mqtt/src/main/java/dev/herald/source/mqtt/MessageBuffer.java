package dev.herald.source.mqtt;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * The callback of one client connection: Paho's callback thread adds messages, {@link #take} hands
 * them to the source's thread. Holding {@code capacity} messages, the callback waits, which stops
 * Paho reading from the socket (the broker's own in-flight window, 20 messages on Mosquitto by
 * default, usually keeps it far below that). A lost connection makes the next {@link #take} throw.
 */
final class MessageBuffer implements MqttCallback {
  /** One message and the topic it came on. */
  record Arrived(String topic, MqttMessage message) {}

  private final ArrayDeque<Arrived> messages = new ArrayDeque<>();
  private volatile int capacity;
  private String failure;
  private boolean woken;
  private boolean closing;

  MessageBuffer(int capacity) {
    this.capacity = capacity;
  }

  synchronized void capacity(int capacity) {
    this.capacity = capacity;
    notifyAll();
  }

  @Override
  public synchronized void messageArrived(String topic, MqttMessage message) throws InterruptedException {
    while (messages.size() >= capacity && failure == null && !closing) {
      wait(1_000);
    }
    messages.add(new Arrived(topic, message));
    notifyAll();
  }

  @Override
  public synchronized void connectionLost(Throwable cause) {
    if (!closing) {
      failure = "the connection was lost: " + cause;
    }
    notifyAll();
  }

  @Override
  public void deliveryComplete(IMqttDeliveryToken token) {
    // the source publishes nothing
  }

  /**
   * Up to {@code max} messages, waiting at most {@code waitNanos} for the first; empty after that
   * wait or a {@link #wake}.
   *
   * @throws IOException when the connection was lost (what it delivered unacknowledged comes again)
   */
  synchronized List<Arrived> take(long waitNanos, int max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + waitNanos;
    while (messages.isEmpty() && failure == null && !woken) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (failure != null) { // what it still holds cannot be acknowledged on a lost connection: it comes again
      throw new IOException(failure);
    }
    List<Arrived> taken = new ArrayList<>(Math.min(max, messages.size()));
    while (taken.size() < max && !messages.isEmpty()) {
      taken.add(messages.poll());
    }
    notifyAll(); // room for a waiting callback
    return taken;
  }

  synchronized void wake() {
    woken = true;
    notifyAll();
  }

  synchronized void closing() {
    closing = true;
    notifyAll();
  }

  synchronized boolean failed() {
    return failure != null;
  }
}
