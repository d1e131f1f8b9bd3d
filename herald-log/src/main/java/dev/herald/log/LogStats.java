package dev.herald.log;

import java.time.Instant;

/**
 * What an event log holds now, for metrics, readiness and the dashboard. {@code null} means the log
 * does not know (a memory log has no file, nor creation times).
 *
 * @param kind          {@code memory}, {@code sqlite}, ...
 * @param events        entries retained
 * @param contentBytes  bytes of update content retained (what {@link Retention#maxBytes} bounds)
 * @param fileBytes     bytes on disk, write-ahead log included
 * @param earliestId    id of the oldest entry retained
 * @param latestId      id of the newest entry
 * @param earliestTime  when the oldest entry retained was stored
 * @param retention     the bounds the log enforces
 * @param writable      whether the last write (or the writer's health check) succeeded
 * @param problem       what is wrong, or went wrong lately, in words an operator acts on (why it is not
 *                      writable, e.g. "disk full"; a loss of history it recovered from), or {@code null}
 */
public record LogStats(String kind, long events, Long contentBytes, Long fileBytes, String earliestId,
    String latestId, Instant earliestTime, Retention retention, boolean writable, String problem) {

  /** Figures with no problem to report. */
  public LogStats(String kind, long events, Long contentBytes, Long fileBytes, String earliestId, String latestId,
      Instant earliestTime, Retention retention, boolean writable) {
    this(kind, events, contentBytes, fileBytes, earliestId, latestId, earliestTime, retention, writable, null);
  }
}
