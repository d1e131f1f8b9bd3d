package dev.herald.hub.log;

import dev.herald.log.EventLog;
import dev.herald.log.EventLogContract;
import dev.herald.log.IdGenerator;

/** The in-memory log keeps the {@link EventLog} contract. */
class MemoryEventLogContractTest extends EventLogContract {
  @Override
  protected EventLog newLog() {
    return new MemoryEventLog(10_000, new IdGenerator());
  }
}
