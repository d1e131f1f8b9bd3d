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
 */
public record LogStats(String kind, long events, Long contentBytes, Long fileBytes, String earliestId,
    String latestId, Instant earliestTime, Retention retention, boolean writable) {}
