package dev.herald.hub;

import dev.herald.log.LogStats;
import java.util.function.BooleanSupplier;

/**
 * Whether a hub can take publishes, as {@code GET /readyz} reports it: listening (not closing) and
 * its event log writable. For health checks of an embedding application (Spring Boot's Actuator).
 *
 * @param listening    the hub accepts connections and is not closing
 * @param storeWritable the last write to the event log (or its health check) succeeded
 * @param storeDetail  the log's state in words: "writable", or what is wrong with it
 * @param events       updates the log retains, or -1 if it cannot be read
 */
public record HubHealth(boolean listening, boolean storeWritable, String storeDetail, long events) {

  /** Whether the hub can take publishes. */
  public boolean ready() {
    return listening && storeWritable;
  }

  static HubHealth check(HubMetrics metrics, BooleanSupplier listening) {
    boolean storeOk;
    String storeDetail;
    long events;
    try {
      LogStats stats = metrics.stats();
      storeOk = stats.writable();
      String health = storeOk ? "writable" : "the last write to the event log failed";
      storeDetail = stats.problem() == null ? health : health + ": " + stats.problem();
      events = stats.events();
    } catch (RuntimeException e) {
      storeOk = false;
      storeDetail = "the event log cannot be read: " + e.getMessage();
      events = -1;
    }
    return new HubHealth(listening.getAsBoolean(), storeOk, storeDetail, events);
  }
}
