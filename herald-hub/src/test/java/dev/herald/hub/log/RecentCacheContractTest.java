package dev.herald.hub.log;

import dev.herald.log.EventLog;
import dev.herald.log.EventLogContract;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite log behind its recent cache keeps the {@link EventLog} contract: the cache answers what
 * the store would. Its budget (3,000 bytes) holds a few of the contract's updates, not all, so that reads cross
 * from the store into the cache.
 */
class RecentCacheContractTest extends EventLogContract {
  @TempDir
  Path dir;

  @Override
  protected EventLog newLog() {
    return new RecentCache(SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(0, 0, Duration.ZERO), new IdGenerator()), 3_000);
  }
}
