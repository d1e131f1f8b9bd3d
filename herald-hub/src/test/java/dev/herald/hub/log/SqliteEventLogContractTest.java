package dev.herald.hub.log;

import dev.herald.log.EventLog;
import dev.herald.log.EventLogContract;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite log, on a real file, keeps the {@link EventLog} contract. */
class SqliteEventLogContractTest extends EventLogContract {
  @TempDir
  Path dir;

  @Override
  protected EventLog newLog() {
    return SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(0, 0, Duration.ZERO), new IdGenerator());
  }
}
