package dev.herald.source;

/**
 * What one source has done since the hub started.
 *
 * @param name the source, without credentials
 * @param state {@code connecting}, {@code running}, {@code paused} (the log refuses appends: the
 *     source waits, its position unmoved), {@code reconnecting} (after a failure of the source) or
 *     {@code stopped}
 * @param consumed messages polled (each redelivery counts again)
 * @param published updates the log stored for the first time
 * @param duplicates messages the log already held under their id (a redelivery): skipped
 * @param refused messages that could not become updates (not UTF-8, too large, an id reused with
 *     other content)
 * @param errors failures of the source or the log, each followed by a retry
 * @param lag messages waiting in the source, or -1 when it cannot tell
 * @param lastError the latest failure's message, or {@code null}
 */
public record SourceStats(String name, String state, long consumed, long published, long duplicates, long refused,
    long errors, long lag, String lastError) {
  /** Whether the source is consuming (not waiting for the log or for its broker). */
  public boolean healthy() {
    return state.equals("running");
  }
}
