package dev.herald.redis;

import dev.herald.log.ActiveSubscription;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Presence in Redis: {@code {P}:nodes}, a sorted set of node ids scored by the deadline (Redis's
 * clock, in ms) before which each must renew, and {@code {P}:node:<id>}, a hash per node of its
 * subscriptions (field {@code subscriber LF selector}, value the payload or empty). {@code P} is the
 * subscription events' prefix: one hash tag, so on a Cluster every script runs on the node of that
 * slot, dead nodes' hashes included.
 */
final class PresenceKeys {
  /** How long the hash of a node nobody swept stays (a cluster stopped whole): then it just goes. */
  static final Duration KEEP_UNSWEPT = Duration.ofDays(1);
  private static final LuaScript WRITE = LuaScript.load("presence-write.lua");
  private static final LuaScript CLAIM = LuaScript.load("presence-claim.lua");
  private static final LuaScript ALL = LuaScript.load("presence-all.lua");

  private final String nodes;
  private final String nodePrefix;

  PresenceKeys(String prefix) {
    this.nodes = "{" + prefix + "}:nodes";
    this.nodePrefix = "{" + prefix + "}:node:";
  }

  /** A node's subscriptions that it did not remove, claimed by one sweeper. */
  record Orphan(String node, List<ActiveSubscription> subscriptions) {}

  /**
   * Renews {@code node} until {@code expiry} from now and records {@code added}, forgets
   * {@code removed}; whether Redis knew the node before (not: new, taken for dead, or lost).
   */
  boolean write(RedisClusterCommands<String, String> redis, String node, Duration expiry,
      List<ActiveSubscription> added, List<ActiveSubscription> removed) {
    String[] argv = new String[4 + added.size() * 2 + removed.size()];
    argv[0] = node;
    argv[1] = Long.toString(expiry.toMillis());
    argv[2] = Long.toString(KEEP_UNSWEPT.toMillis());
    argv[3] = Integer.toString(added.size());
    int i = 4;
    for (ActiveSubscription subscription : added) {
      argv[i++] = field(subscription);
      argv[i++] = subscription.payload() != null ? subscription.payload() : "";
    }
    for (ActiveSubscription subscription : removed) {
      argv[i++] = field(subscription);
    }
    Long known = WRITE.run(redis, ScriptOutputType.INTEGER, new String[] {nodes, nodePrefix + node}, argv);
    return known == 1;
  }

  /** Deletes {@code node}'s subscriptions, before it records them again. */
  void forget(RedisClusterCommands<String, String> redis, String node) {
    redis.del(nodePrefix + node);
  }

  /** Takes {@code node} out of the set of nodes (it stopped and holds no subscription). */
  void leave(RedisClusterCommands<String, String> redis, String node) {
    redis.zrem(nodes, node);
  }

  /** Claims one node whose deadline passed, other than {@code self}; null when there is none. */
  Orphan claim(RedisClusterCommands<String, String> redis, String self) {
    List<Object> reply = CLAIM.run(redis, ScriptOutputType.MULTI, new String[] {nodes}, self, nodePrefix);
    if (reply.isEmpty()) {
      return null;
    }
    return new Orphan(String.valueOf(reply.get(0)), decode(reply.subList(1, reply.size())));
  }

  /** The subscriptions of every node whose deadline has not passed. */
  List<ActiveSubscription> all(RedisClusterCommands<String, String> redis) {
    List<Object> reply = ALL.run(redis, ScriptOutputType.MULTI, new String[] {nodes}, nodePrefix);
    return decode(reply);
  }

  private static String field(ActiveSubscription subscription) {
    // The subscriber id is the hub's urn:uuid: it has no LF, so the first LF ends it whatever the selector holds.
    return subscription.subscriber() + "\n" + subscription.selector();
  }

  private static List<ActiveSubscription> decode(List<Object> pairs) {
    List<ActiveSubscription> subscriptions = new ArrayList<>(pairs.size() / 2);
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      String field = String.valueOf(pairs.get(i));
      String payload = String.valueOf(pairs.get(i + 1));
      int split = field.indexOf('\n');
      subscriptions.add(new ActiveSubscription(field.substring(split + 1), field.substring(0, split),
          payload.isEmpty() ? null : payload));
    }
    return subscriptions;
  }
}
