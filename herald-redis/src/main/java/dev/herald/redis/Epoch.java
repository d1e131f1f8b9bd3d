package dev.herald.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The log's epoch: a random value stored beside the stream when the log is created. Redis that loses
 * its data (a restart without persistence, {@code FLUSHALL}) loses it too, and whoever next appends or
 * looks sets a new one, so a node that finds another epoch than the one it knew knows the log it
 * followed is gone, even when the new log's sequence has already grown past where the node was.
 */
final class Epoch {
  /** Reads the epoch (setting a fresh one if there is none) and the sequence counter, atomically. */
  private static final String READ = """
      local e = redis.call('GET', KEYS[1])
      if not e then
        redis.call('SET', KEYS[1], ARGV[1])
        e = ARGV[1]
      end
      return {e, redis.call('GET', KEYS[2]) or '0'}
      """;

  private Epoch() {}

  /** The epoch and the newest sequence of the log, at one moment. */
  record State(String epoch, long sequence) {}

  /** A new epoch value: random, so that two nodes creating one at once cannot pick the same. */
  static String fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }

  /** The log's epoch and sequence now; creates the epoch of a log that has none. */
  static State read(RedisClusterCommands<String, String> redis, RedisLogSettings settings) {
    List<Object> reply = redis.eval(READ, ScriptOutputType.MULTI,
        new String[] {settings.epochKey(), settings.sequenceKey()}, fresh());
    return new State(String.valueOf(reply.get(0)), Long.parseLong(String.valueOf(reply.get(1))));
  }
}
