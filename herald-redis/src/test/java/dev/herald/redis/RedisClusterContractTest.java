package dev.herald.redis;

import dev.herald.log.EventLog;
import dev.herald.log.EventLogContract;
import dev.herald.log.IdGenerator;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis log on a real three-primary Redis Cluster ({@code redis-cluster://}) keeps the
 * {@link EventLog} contract: the log's keys share one hash tag, so the append script, replays and the
 * tail all go to the node that holds that slot, wherever it is.
 */
class RedisClusterContractTest extends EventLogContract {
  private static RedisClusterGroup cluster;
  private static int streams;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisClusterGroup.start();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A log on keys of this test's own (a fresh prefix, so a fresh slot too): empty. */
  @Override
  protected EventLog newLog() {
    RedisLogSettings settings = RedisLogSettings.of(cluster.uri(), 0, Duration.ZERO)
        .withKeyPrefix("contract" + (++streams));
    return RedisEventLog.open(settings, new IdGenerator());
  }
}
