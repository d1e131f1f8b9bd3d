package dev.herald.hub;

import dev.herald.log.ActiveSubscription;
import dev.herald.log.EventLog;
import dev.herald.log.SubscriptionRegistry;
import dev.herald.log.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Mercure's active subscriptions: records who subscribes to what in the registry and publishes a
 * private subscription event ({@code active} true, then false) for each of a connection's selectors
 * when it opens and when it ends. The events go to the presence log, apart from ordinary updates: a
 * reconnect storm can fill it, never push updates out of the event log's retention.
 *
 * <p>Registry and log may block (Redis): the work runs on one thread of its own, in order, so a
 * connection's "ended" never overtakes its "opened".
 */
final class Presence implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Presence.class.getName());

  private final SubscriptionRegistry registry;
  private final EventLog events;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "herald-presence");
    thread.setDaemon(true);
    return thread;
  });

  Presence(SubscriptionRegistry registry, EventLog events) {
    this.registry = registry;
    this.events = events;
    registry.onOrphaned(subscriptions -> run(() -> ended(subscriptions)));
  }

  /**
   * The subscriptions of one new connection, one per selector, under a new subscriber id (a random
   * UUID: an id, not a secret, so a fast generator rather than the JDK's SecureRandom, which showed
   * in profiles of reconnect storms).
   */
  static List<ActiveSubscription> of(List<String> selectors, String payload) {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long high = random.nextLong() & ~0xf000L | 0x4000L; // version 4
    long low = random.nextLong() & ~(0x3L << 62) | 1L << 63; // IETF variant
    String subscriber = "urn:uuid:" + new java.util.UUID(high, low);
    List<ActiveSubscription> subscriptions = new ArrayList<>(selectors.size());
    for (String selector : selectors) {
      subscriptions.add(new ActiveSubscription(selector, subscriber, payload));
    }
    return subscriptions;
  }

  /**
   * Records the subscriptions of a connection that opened and announces them. Returns at once (on
   * the event loop): the id, the documents and the writes are made on the presence thread.
   *
   * @param payload the token's {@code mercure.payload} claim as read, or {@code null}
   */
  Connection opened(List<String> selectors, Object payload) {
    Connection connection = new Connection();
    run(() -> {
      connection.subscriptions = of(selectors, payload == null ? null : Json.value(payload));
      registry.add(connection.subscriptions);
      announce(connection.subscriptions, true);
    });
    return connection;
  }

  /** Forgets the subscriptions of a connection that ended and announces them. */
  void closed(Connection connection) {
    run(() -> {
      if (connection.subscriptions != null) { // null: opening them failed
        ended(connection.subscriptions);
      }
    });
  }

  /** One connection's subscriptions, made and read on the presence thread only. */
  static final class Connection {
    private List<ActiveSubscription> subscriptions;
  }

  private void ended(List<ActiveSubscription> subscriptions) {
    registry.remove(subscriptions);
    announce(subscriptions, false);
  }

  /** The subscriptions open now, on every node the registry knows. */
  List<ActiveSubscription> all() {
    return registry.all();
  }

  /** The id a client passes as {@code lastEventID} to follow the events from this moment on. */
  String lastEventId() {
    String latest = events.stats().latestId();
    return latest != null ? latest : EventLog.EARLIEST;
  }

  private void announce(List<ActiveSubscription> subscriptions, boolean active) {
    List<Update> updates = new ArrayList<>(subscriptions.size());
    for (ActiveSubscription subscription : subscriptions) {
      updates.add(new Update(null, List.of(SubscriptionTopics.of(subscription.selector(), subscription.subscriber())),
          SubscriptionDocuments.event(subscription, active), true, null, null));
    }
    events.append(updates);
  }

  private void run(Runnable task) {
    try {
      worker.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) { // the subscription itself goes on; only its announcement is lost
          LOG.log(System.Logger.Level.WARNING, "a subscription event could not be recorded: " + e.getMessage());
        }
      });
    } catch (RejectedExecutionException closing) {
      // the hub is closing: its subscriptions end with it
    }
  }

  /** Waits for recorded work, then stops; the registry and log are the hub's to close. */
  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
