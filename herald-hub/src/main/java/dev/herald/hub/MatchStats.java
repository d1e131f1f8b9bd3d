package dev.herald.hub;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts template matches given up on (see {@link MatchScope}) and logs them, at most once per
 * interval with the number given up since the last line, so that a flood of costly selectors
 * cannot flood the log. Thread-safe.
 */
final class MatchStats {
  private static final System.Logger LOG = System.getLogger(MatchStats.class.getName());
  /** Default time between two log lines about matches given up. */
  public static final long DEFAULT_LOG_INTERVAL_NANOS = 60_000_000_000L;
  private static final int LOGGED_SELECTOR_LENGTH = 120;

  private final AtomicLong budgetSpent = new AtomicLong();
  private final AtomicLong tooCostly = new AtomicLong();
  private final AtomicLong lastLog;
  private final AtomicLong unlogged = new AtomicLong();
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  /** Stats that log at most once a minute. */
  public MatchStats() {
    this(DEFAULT_LOG_INTERVAL_NANOS, System::nanoTime);
  }

  MatchStats(long intervalNanos, LongSupplier nanoTime) {
    this.intervalNanos = intervalNanos;
    this.nanoTime = nanoTime;
    this.lastLog = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
  }

  /** Subscriptions that did not get an update because its matching budget was spent. */
  public long budgetSpent() {
    return budgetSpent.get();
  }

  /** Template matches abandoned because one match cost more than its own budget. */
  public long tooCostly() {
    return tooCostly.get();
  }

  void budgetSpent(TopicSelector selector) {
    budgetSpent.incrementAndGet();
    log(selector, "the update's matching budget was spent; its subscriber does not get the update");
  }

  void tooCostly(TopicSelector selector) {
    tooCostly.incrementAndGet();
    log(selector, "one match cost more than its budget; counted as no match");
  }

  private void log(TopicSelector selector, String what) {
    long skipped = unlogged.incrementAndGet();
    long now = nanoTime.getAsLong();
    long last = lastLog.get();
    if (now - last < intervalNanos || !lastLog.compareAndSet(last, now)) {
      return;
    }
    unlogged.addAndGet(-skipped);
    String text = selector.toString();
    if (text.length() > LOGGED_SELECTOR_LENGTH) {
      text = text.substring(0, LOGGED_SELECTOR_LENGTH) + "...";
    }
    LOG.log(System.Logger.Level.WARNING, "topic matching given up: " + what + "; selector=" + quoted(text)
        + " given_up_since_last_line=" + skipped + " budget_spent_total=" + budgetSpent.get()
        + " too_costly_total=" + tooCostly.get());
  }

  /** The text in double quotes, with quotes, backslashes and control characters escaped: one log line. */
  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
