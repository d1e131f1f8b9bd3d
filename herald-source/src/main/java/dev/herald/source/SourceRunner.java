package dev.herald.source;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.Update;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves one {@link Source}'s messages into an {@link EventLog}, on a thread of its own: poll a batch,
 * append its updates, and only then {@link Source#acknowledge acknowledge} it. A message delivered
 * again (the hub or the source failed between the two) carries the id it had, and the log, which
 * keeps one update per id, answers with the stored entry: it is counted as a duplicate and not
 * delivered twice. Exactly once therefore holds while the log still retains the id.
 *
 * <p>When the log refuses appends (disk full, Redis down) the runner retries the same batch with
 * back-off and polls nothing more: the source's position stays where it was and the hub holds one
 * batch at most. When the source fails, the runner connects again with back-off. Updates larger
 * than the hub's update size limit, and ids reused with other content, are refused (counted, logged,
 * acknowledged with their batch).
 */
public final class SourceRunner implements AutoCloseable {
  /** Messages per batch by default. */
  public static final int DEFAULT_BATCH = 500;
  /** How long one poll waits for messages by default. */
  public static final Duration DEFAULT_POLL_WAIT = Duration.ofMillis(500);

  private static final System.Logger LOG = System.getLogger(SourceRunner.class.getName());
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Source source;
  private final EventLog log;
  private final int batch;
  private final Duration pollWait;
  private final long maxUpdateBytes;
  private final Backoff backoff;
  private final Thread thread;
  private final RefusalLog refusals;
  private volatile boolean stopping;
  private volatile String state = "connecting";
  private volatile long consumed;
  private volatile long published;
  private volatile long duplicates;
  private volatile long refused;
  private volatile long errors;
  private volatile String lastError;

  private SourceRunner(Source source, EventLog log, int batch, Duration pollWait, long maxUpdateBytes,
      Duration firstRetry, Duration maxRetry) {
    this.source = source;
    this.log = log;
    this.batch = batch;
    this.pollWait = pollWait;
    this.maxUpdateBytes = maxUpdateBytes;
    this.backoff = new Backoff(firstRetry, maxRetry);
    this.refusals = new RefusalLog(source.name());
    this.thread = new Thread(this::run, "herald-source-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  /**
   * Starts consuming {@code source} into {@code log}, with batches of {@link #DEFAULT_BATCH}, and
   * updates of at most {@code maxUpdateBytes} bytes of data (larger ones are refused).
   */
  public static SourceRunner start(Source source, EventLog log, long maxUpdateBytes) {
    return start(source, log, maxUpdateBytes, DEFAULT_BATCH, DEFAULT_POLL_WAIT, Duration.ofMillis(100),
        Duration.ofSeconds(30));
  }

  /** {@link #start(Source, EventLog, long)} with every setting given (tests shorten the waits). */
  public static SourceRunner start(Source source, EventLog log, long maxUpdateBytes, int batch, Duration pollWait,
      Duration firstRetry, Duration maxRetry) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1");
    }
    SourceRunner runner = new SourceRunner(source, log, batch, pollWait, maxUpdateBytes, firstRetry, maxRetry);
    runner.thread.start();
    return runner;
  }

  /** What the source has done so far. */
  public SourceStats stats() {
    long lag;
    try {
      lag = state.equals("running") ? source.lag() : -1;
    } catch (RuntimeException e) {
      lag = -1;
    }
    return new SourceStats(source.name(), state, consumed, published, duplicates, refused, errors, lag, lastError);
  }

  private void run() {
    boolean connected = false;
    while (!stopping) {
      try {
        if (!connected) {
          state = "connecting";
          source.connect();
          connected = true;
          state = "running";
          backoff.reset();
          LOG.log(System.Logger.Level.INFO, "source=" + source.name() + " connected");
        }
        SourceBatch polled = source.poll(pollWait, batch);
        if (polled.isEmpty()) {
          continue;
        }
        consumed += polled.messages();
        for (String reason : polled.refused()) {
          refuse(reason);
        }
        store(polled.updates());
        if (stopping) {
          return; // stored, not acknowledged: the next start gets these again and finds them stored
        }
        source.acknowledge(polled);
      } catch (InterruptedException e) {
        return; // stopping
      } catch (Exception | LinkageError e) {
        if (stopping) {
          return;
        }
        connected = false;
        errors++;
        lastError = describe(e);
        state = "reconnecting";
        LOG.log(System.Logger.Level.WARNING, "source=" + source.name() + " failed, connecting again: " + lastError);
        if (!sleep(backoff.nextMillis())) {
          return;
        }
      }
    }
  }

  /** Appends {@code updates} until the log takes them (or the runner stops), skipping refused ones. */
  private void store(List<Update> updates) throws InterruptedException {
    List<Update> accepted = new ArrayList<>(updates.size());
    for (Update update : updates) {
      long size = update.data().length() > maxUpdateBytes / 3
          ? update.data().getBytes(StandardCharsets.UTF_8).length : update.data().length();
      if (size > maxUpdateBytes) {
        refuse("message " + update.id() + " refused: its data (" + size + " bytes) is larger than the hub's"
            + " update size limit (" + maxUpdateBytes + " bytes)");
      } else {
        accepted.add(update);
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    try {
      append(accepted);
    } catch (DuplicateIdException conflict) {
      for (Update update : accepted) { // one by one, to store all but the conflicting ones
        try {
          append(List.of(update));
        } catch (DuplicateIdException e) {
          refuse("message " + update.id() + " refused: " + e.getMessage());
        }
      }
    }
  }

  /** Appends with retries while the log fails; counts new entries and duplicates. */
  private void append(List<Update> updates) throws InterruptedException {
    while (true) {
      try {
        long before = log.lastSequence();
        List<Entry> entries = log.append(updates);
        long fresh = 0;
        for (Entry entry : entries) {
          if (entry.sequence() > before) {
            fresh++;
          }
        }
        published += fresh;
        duplicates += entries.size() - fresh;
        if (state.equals("paused")) {
          state = "running";
          LOG.log(System.Logger.Level.INFO, "source=" + source.name() + " resumed: the log takes appends again");
        }
        backoff.reset();
        return;
      } catch (DuplicateIdException e) {
        throw e;
      } catch (RuntimeException e) {
        if (stopping) {
          throw new InterruptedException("stopping");
        }
        errors++;
        lastError = describe(e);
        if (!state.equals("paused")) {
          state = "paused";
          LOG.log(System.Logger.Level.WARNING, "source=" + source.name() + " paused: the log refused an append ("
              + lastError + "); retrying, the source's position unmoved");
        }
        if (!sleep(backoff.nextMillis())) {
          throw new InterruptedException("stopping");
        }
      }
    }
  }

  private void refuse(String reason) {
    refused++;
    refusals.log(reason);
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !stopping;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
  }

  /** Stops consuming (what was stored but not acknowledged comes again next time) and closes the source. */
  @Override
  public void close() {
    stopping = true;
    try {
      source.wakeup();
    } catch (RuntimeException e) {
      // closing anyway
    }
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    state = "stopped";
    source.close();
  }
}
