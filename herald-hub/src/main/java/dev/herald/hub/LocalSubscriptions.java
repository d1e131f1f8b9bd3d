package dev.herald.hub;

import dev.herald.log.ActiveSubscription;
import dev.herald.log.SubscriptionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The registry of one hub: the subscriptions open on it, in memory. */
final class LocalSubscriptions implements SubscriptionRegistry {
  private final Set<ActiveSubscription> open = ConcurrentHashMap.newKeySet();

  @Override
  public void add(List<ActiveSubscription> subscriptions) {
    open.addAll(subscriptions);
  }

  @Override
  public void remove(List<ActiveSubscription> subscriptions) {
    subscriptions.forEach(open::remove);
  }

  @Override
  public List<ActiveSubscription> all() {
    return new ArrayList<>(open);
  }

  @Override
  public void close() {
    open.clear();
  }
}
