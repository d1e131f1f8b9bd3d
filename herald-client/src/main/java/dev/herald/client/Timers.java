package dev.herald.client;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** One daemon timer thread for every event source's reconnection delays and read watchdogs. */
final class Timers {
  static final ScheduledThreadPoolExecutor SHARED = create();

  private Timers() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "herald-eventsource-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
