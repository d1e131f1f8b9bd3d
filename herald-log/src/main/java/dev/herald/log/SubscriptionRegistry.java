package dev.herald.log;

import java.util.List;
import java.util.function.Consumer;

/**
 * Who is subscribed, for presence: the subscriptions open on this hub, or on every node of a
 * cluster when the registry is shared (each node adds and removes its own). Its methods may block on
 * storage: the hub never calls them on an event loop.
 */
public interface SubscriptionRegistry extends AutoCloseable {
  /** Records subscriptions opened on this node. */
  void add(List<ActiveSubscription> subscriptions);

  /** Forgets subscriptions of this node that ended. */
  void remove(List<ActiveSubscription> subscriptions);

  /** The subscriptions open now, on every node this registry knows. */
  List<ActiveSubscription> all();

  /**
   * Registers what to do with the subscriptions of a node that stopped without removing them (its
   * entries expired): the listener is called once per such node, on one node of the cluster, which
   * then reports them ended. A registry of one node has none.
   */
  default void onOrphaned(Consumer<List<ActiveSubscription>> listener) {}

  /** Stops background work; this node's subscriptions are left to expire or be removed. */
  @Override
  void close();
}
