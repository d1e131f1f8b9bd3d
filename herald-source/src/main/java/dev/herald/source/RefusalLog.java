package dev.herald.source;

/**
 * Logs refused messages without letting a flood of them flood the log: one line at once, then at
 * most one a second, saying how many were not logged since.
 */
final class RefusalLog {
  private static final System.Logger LOG = System.getLogger(SourceRunner.class.getName());
  private static final long QUIET_NANOS = 1_000_000_000L;

  private final String source;
  private long lastLogged = System.nanoTime() - QUIET_NANOS;
  private long unlogged;

  RefusalLog(String source) {
    this.source = source;
  }

  void log(String reason) {
    long now = System.nanoTime();
    if (now - lastLogged < QUIET_NANOS) {
      unlogged++;
      return;
    }
    LOG.log(System.Logger.Level.WARNING, "source=" + source + " " + reason
        + (unlogged > 0 ? " (and " + unlogged + " more refused since the last such line)" : ""));
    lastLogged = now;
    unlogged = 0;
  }
}
