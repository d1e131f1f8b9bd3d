package dev.herald.redis;

import dev.herald.log.EventLog;
import dev.herald.log.EventLogContract;
import dev.herald.log.IdGenerator;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Redis log, on a redis-server of the test's own, keeps the {@link EventLog} contract. */
class RedisEventLogContractTest extends EventLogContract {
  private static RedisServer redis;
  private static int streams;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  /** A log on a stream of this test's own (a fresh key prefix): empty. */
  @Override
  protected EventLog newLog() {
    RedisLogSettings settings = RedisLogSettings.of(redis.uri(), 0, Duration.ZERO)
        .withKeyPrefix("contract" + (++streams));
    return RedisEventLog.open(settings, new IdGenerator());
  }
}
