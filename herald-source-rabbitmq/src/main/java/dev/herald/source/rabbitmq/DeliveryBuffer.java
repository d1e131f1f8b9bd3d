package dev.herald.source.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumer of one channel: the client's dispatch thread adds deliveries, {@link #take} hands
 * them to the source's thread. It holds at most the channel's prefetch (the broker sends no more
 * unacknowledged messages than that), so it needs no bound of its own and never blocks the client.
 * A channel or connection that closes, or a consumer the broker cancels (the queue was deleted),
 * makes the next {@link #take} throw.
 */
final class DeliveryBuffer extends DefaultConsumer {
  private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
  private String failure;
  private boolean woken;
  private boolean closing;

  DeliveryBuffer(Channel channel) {
    super(channel);
  }

  @Override
  public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    synchronized (this) {
      deliveries.add(new Delivery(envelope, properties, body));
      notifyAll();
    }
  }

  @Override
  public synchronized void handleCancel(String consumerTag) {
    failure = "the broker cancelled the consumer (the queue was deleted?)";
    notifyAll();
  }

  @Override
  public synchronized void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    if (!closing) {
      failure = "the channel closed: " + signal.getMessage();
    }
    notifyAll();
  }

  /**
   * Up to {@code max} deliveries, waiting at most {@code waitNanos} for the first; empty after that
   * wait or a {@link #wake}.
   *
   * @throws IOException when the channel failed (what it delivered unacknowledged comes again)
   */
  synchronized List<Delivery> take(long waitNanos, int max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + waitNanos;
    while (deliveries.isEmpty() && failure == null && !woken) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (failure != null) { // what it still holds cannot be acknowledged on a closed channel: it comes again
      throw new IOException(failure);
    }
    List<Delivery> taken = new ArrayList<>(Math.min(max, deliveries.size()));
    while (taken.size() < max && !deliveries.isEmpty()) {
      taken.add(deliveries.poll());
    }
    return taken;
  }

  /** Cuts a {@link #take} short, now and from now on (the source is stopping). */
  synchronized void wake() {
    woken = true;
    notifyAll();
  }

  /** The source closes the channel itself: not a failure. */
  synchronized void closing() {
    closing = true;
    notifyAll();
  }

  /** Whether the channel failed or was cancelled. */
  synchronized boolean failed() {
    return failure != null;
  }
}
