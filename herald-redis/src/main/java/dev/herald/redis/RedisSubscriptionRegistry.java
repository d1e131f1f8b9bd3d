package dev.herald.redis;

import dev.herald.log.ActiveSubscription;
import dev.herald.log.SubscriptionRegistry;
import io.lettuce.core.RedisException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The active subscriptions of every hub node on one Redis (presence across a cluster). Each
 * registry is a node with a random id: it keeps its subscriptions in Redis under that id and renews
 * them every third of the {@code expiry} (default {@value #DEFAULT_EXPIRY_SECONDS} s); {@link #all()}
 * lists those of every node that renewed in time. A node that stops renewing (killed, frozen, cut off)
 * is claimed by the first other node to sweep after its expiry, atomically, so its subscriptions reach
 * exactly one {@link #onOrphaned} listener in the cluster, at most {@code expiry + expiry / 3} after the
 * node's last renewal. Keys, beside the subscription events' log: see {@link RedisLogSettings#subscriptionEvents()}.
 *
 * <p>A node that finds itself missing from Redis (taken for dead after a pause or a partition longer
 * than the expiry, or Redis lost its data) records its subscriptions again: listed again, though
 * their end was already announced.
 */
public final class RedisSubscriptionRegistry implements SubscriptionRegistry {
  /** Default expiry of a node's subscriptions after its last renewal, in seconds. */
  public static final int DEFAULT_EXPIRY_SECONDS = 30;
  /** Default expiry of a node's subscriptions after its last renewal. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(DEFAULT_EXPIRY_SECONDS);
  private static final System.Logger LOG = System.getLogger(RedisSubscriptionRegistry.class.getName());
  /** Subscriptions per script call when a node records all of its own again. */
  private static final int REWRITE_BATCH = 500;
  /** Dead nodes claimed per sweep at most: the rest wait for the next. */
  private static final int CLAIMS_PER_SWEEP = 100;

  private final String node = UUID.randomUUID().toString();
  private final PresenceKeys keys;
  private final Duration expiry;
  private final ClientResources resources;
  private final Connector client;
  private final RedisLink redis;
  private final ScheduledExecutorService ticker;
  /** This node's subscriptions, the truth Redis is rewritten from; guarded by {@code this}. */
  private final Set<ActiveSubscription> mine = new LinkedHashSet<>();
  /** A write failed: Redis may miss some of {@link #mine}; guarded by {@code this}. */
  private boolean stale;
  private volatile Consumer<List<ActiveSubscription>> orphans;
  /** Whether the previous tick renewed this node (ticker thread only). */
  private boolean renewedBefore;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisSubscriptionRegistry(RedisLogSettings settings, Duration expiry, ClientResources resources,
      Connector client, RedisLink redis) {
    this.keys = new PresenceKeys(settings.subscriptionEvents().keyPrefix());
    this.expiry = expiry;
    this.resources = resources;
    this.client = client;
    this.redis = redis;
    keys.write(redis.sync(), node, expiry, List.of(), List.of()); // joins: a new node is unknown, as expected
    this.ticker = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "herald-redis-presence");
      thread.setDaemon(true);
      return thread;
    });
    long interval = Math.max(1, expiry.toMillis() / 3);
    ticker.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** {@link #open(RedisLogSettings, Duration)} with the default expiry. */
  public static RedisSubscriptionRegistry open(RedisLogSettings settings) {
    return open(settings, DEFAULT_EXPIRY);
  }

  /**
   * Connects to the Redis of {@code settings} (the hub's log settings: the keys go beside its
   * subscription events) and joins as a new node whose subscriptions expire {@code expiry} after its
   * last renewal.
   *
   * @throws IllegalStateException if Redis cannot be reached or refuses the connection, saying why
   */
  public static RedisSubscriptionRegistry open(RedisLogSettings settings, Duration expiry) {
    if (expiry.toMillis() < 3) {
      throw new IllegalArgumentException("the expiry of a node's subscriptions must be at least 3 ms (renewed every"
          + " third of it): " + expiry);
    }
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    Connector client = Connector.create(resources, settings, settings.commandTimeout());
    RedisLink redis = null;
    try {
      redis = client.connect();
      return new RedisSubscriptionRegistry(settings, expiry, resources, client, redis);
    } catch (RedisException e) {
      if (redis != null) {
        redis.close();
      }
      client.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new IllegalStateException(OpenError.message(settings, e), e);
    }
  }

  @Override
  public synchronized void add(List<ActiveSubscription> subscriptions) {
    mine.addAll(subscriptions);
    write(subscriptions, List.of());
  }

  @Override
  public synchronized void remove(List<ActiveSubscription> subscriptions) {
    subscriptions.forEach(mine::remove);
    write(List.of(), subscriptions);
  }

  @Override
  public List<ActiveSubscription> all() {
    return keys.all(redis.sync());
  }

  @Override
  public void onOrphaned(Consumer<List<ActiveSubscription>> listener) {
    this.orphans = Objects.requireNonNull(listener, "listener");
  }

  /** Writes a change (renewing this node), and everything again if Redis did not know this node. */
  private void write(List<ActiveSubscription> added, List<ActiveSubscription> removed) {
    try {
      boolean known = keys.write(redis.sync(), node, expiry, added, removed);
      if (!known || stale) {
        rewrite(known);
      }
    } catch (RedisException e) {
      stale = true; // the next renewal writes everything again
      throw e;
    }
  }

  private void rewrite(boolean known) {
    if (!known) {
      LOG.log(System.Logger.Level.WARNING, "presence: this node (" + node + ") was missing from Redis (taken for"
          + " dead after a pause or partition longer than " + expiry.toMillis() + " ms, or Redis lost its data):"
          + " recording its " + mine.size() + " subscriptions again");
    }
    keys.forget(redis.sync(), node);
    List<ActiveSubscription> all = new ArrayList<>(mine);
    for (int from = 0; from < all.size(); from += REWRITE_BATCH) {
      keys.write(redis.sync(), node, expiry, all.subList(from, Math.min(all.size(), from + REWRITE_BATCH)), List.of());
    }
    stale = false;
  }

  /**
   * Renews this node, then sweeps: a node sweeps only after two renewals in a row, so that after a
   * Redis outage every live node has renewed once before any is taken for dead.
   */
  private void tick() {
    boolean renewed;
    try {
      synchronized (this) {
        write(List.of(), List.of());
      }
      renewed = true;
    } catch (RuntimeException e) { // a scheduled task that throws is never run again
      LOG.log(System.Logger.Level.DEBUG, "presence: renewal failed: " + e.getMessage());
      renewed = false;
    }
    Consumer<List<ActiveSubscription>> listener = orphans;
    if (renewed && renewedBefore && listener != null) {
      sweep(listener);
    }
    renewedBefore = renewed;
  }

  private void sweep(Consumer<List<ActiveSubscription>> listener) {
    try {
      for (int i = 0; i < CLAIMS_PER_SWEEP; i++) {
        PresenceKeys.Orphan orphan = keys.claim(redis.sync(), node);
        if (orphan == null) {
          return;
        }
        if (!orphan.subscriptions().isEmpty()) {
          LOG.log(System.Logger.Level.INFO, "presence: node " + orphan.node() + " stopped renewing; reporting its "
              + orphan.subscriptions().size() + " subscriptions ended");
          listener.accept(orphan.subscriptions());
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "presence: sweep failed: " + e.getMessage());
    }
  }

  /** This node's id in Redis. */
  String node() {
    return node;
  }

  /**
   * Stops renewing. A node whose subscriptions were all removed leaves the set of nodes; one that
   * still has some leaves them to expire, so that another node reports them ended.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      synchronized (this) {
        if (mine.isEmpty()) {
          keys.forget(redis.sync(), node); // what a failed remove may have left
          keys.leave(redis.sync(), node);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) { // Redis away: the node's entry expires and is swept empty
      LOG.log(System.Logger.Level.DEBUG, "presence: could not leave: " + e.getMessage());
    } finally {
      redis.close();
      client.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
