package dev.herald.redis;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogLoss;
import dev.herald.log.LogStats;
import dev.herald.log.PageBuilder;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import dev.herald.log.UnconfirmedException;
import dev.herald.log.Update;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The hub's event log in one Redis Stream, shared by every hub node that opens it. An append runs a
 * script that, atomically, checks publisher-chosen ids for repeats and conflicts (cluster-wide), takes
 * the next numbers of a shared counter as sequences, adds the entries with {@code <sequence>-0} as
 * their stream ids, and indexes their event ids. Each node follows the stream with a blocking
 * {@code XREAD} ({@link Tail}) and hands new entries, in sequence order, to its fan-out: every node's
 * subscribers see the same sequence, whichever node took the publish. Replays read with
 * {@code XRANGE}.
 *
 * <p>Unlike a single-process log, the {@link #onAppend} listener hears about an append when the tail
 * reads it, which may be just after the append's future completed. While Redis is unreachable,
 * appends fail within the command timeout (nothing is acknowledged that Redis did not store) and the
 * tail retries, resuming after the last sequence it delivered.
 */
public final class RedisEventLog implements EventLog {
  /** Entries per XRANGE when a read is bounded by bytes. */
  private static final int READ_BATCH = 32;
  private static final System.Logger LOG = System.getLogger(RedisEventLog.class.getName());
  private static final String SCRIPT = loadScript();
  private static final Duration AGE_TRIM_INTERVAL = Duration.ofSeconds(5);
  /** How long /readyz and the stats mention a loss of the log after it. */
  static final Duration LOSS_REPORTED_FOR = Duration.ofMinutes(10);

  private final RedisLogSettings settings;
  private final IdGenerator ids;
  private final ClientResources resources;
  private final Connector client;
  private final Connector tailClient;
  private final RedisLink commands;
  /** Appends: {@code commands}, or a connection of their own when WAIT would hold up reads behind it. */
  private final RedisLink writes;
  private final RedisLink tailConnection;
  private final Tail tail;
  private final ScheduledExecutorService trimmer;
  private final String scriptSha;
  private final ReplicaWait replicas;
  private volatile CommitListener commitListener = (updates, nanos) -> { };
  private volatile boolean lastWriteFailed;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisEventLog(RedisLogSettings settings, IdGenerator ids, ClientResources resources, Connector client,
      Connector tailClient, RedisLink commands, RedisLink tailConnection) {
    this.resources = resources;
    this.settings = settings;
    this.ids = ids;
    this.client = client;
    this.tailClient = tailClient;
    this.commands = commands;
    this.tailConnection = tailConnection;
    this.scriptSha = commands.sync().scriptLoad(SCRIPT);
    // WAIT must follow the write on its connection, and blocks that connection until it answers.
    this.writes = settings.minReplicas() > 0 ? client.connect() : commands;
    this.replicas = new ReplicaWait(settings.minReplicas(), settings.commandTimeout());
    // Read on the tail's own connection: it creates the epoch of a new (or lost) log, and on a Cluster it
    // opens the connection to the log's node now, before the tail's first read relies on it.
    Epoch.State state = Epoch.read(tailConnection.sync(), settings);
    this.tail = new Tail(tailConnection, settings, state);
    this.trimmer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "herald-redis-retention");
      thread.setDaemon(true);
      return thread;
    });
    if (!settings.maxAge().isZero()) {
      trimmer.scheduleWithFixedDelay(this::trimByAge, 0, AGE_TRIM_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Connects to Redis (through the Sentinels for a {@code redis-sentinel://} URI: both connections then
   * follow the primary through failovers) and starts following the stream from its current end.
   *
   * @throws IllegalStateException if Redis cannot be reached or refuses the connection, saying why
   */
  public static RedisEventLog open(RedisLogSettings settings, IdGenerator ids) {
    // Reconnect within 2 s of Redis coming back (Lettuce's default waits up to 30 s), on 2 I/O threads.
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    Connector client = Connector.create(resources, settings, settings.commandTimeout());
    // The tail's blocking XREAD waits up to Tail.BLOCK by design: its client allows for that.
    Connector tailClient = Connector.create(resources, settings, Tail.BLOCK.plus(settings.commandTimeout()));
    RedisLink commands = null;
    try {
      commands = client.connect();
      RedisLink tailConnection = tailClient.connect();
      RedisEventLog log = new RedisEventLog(settings, ids, resources, client, tailClient, commands, tailConnection);
      log.tail.start();
      return log;
    } catch (RedisException e) {
      if (commands != null) {
        commands.close();
      }
      client.shutdown();
      tailClient.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new IllegalStateException(OpenError.message(settings, e), e);
    }
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the event log is closed"));
    }
    List<Update> withIds = new ArrayList<>(updates.size());
    List<String> argv = new ArrayList<>(3 + updates.size() * 7);
    argv.add(Long.toString(settings.maxEvents()));
    argv.add(Long.toString(System.currentTimeMillis()));
    argv.add(Integer.toString(updates.size()));
    try {
      // append.lua checks stored ids against the same fields as Update.sameContentAs
      DuplicateIdException.requireConsistentBatch(updates);
    } catch (DuplicateIdException conflict) {
      return CompletableFuture.failedFuture(conflict);
    }
    for (Update update : updates) {
      boolean chosen = update.id() != null;
      Update withId = chosen ? update : update.withId(ids.next());
      withIds.add(withId);
      StreamEntries.addArguments(argv, withId, chosen);
    }
    argv.add(Epoch.fresh()); // becomes the epoch only if Redis has none: a new or lost log
    String[] keys = {settings.streamKey(), settings.sequenceKey(), settings.idsKey(), settings.epochKey()};
    long started = System.nanoTime();
    CompletableFuture<List<Object>> result = runScript(keys, argv.toArray(new String[0]))
        .thenCompose(reply -> !reply.isEmpty() && "conflict".equals(reply.get(0))
            ? CompletableFuture.completedFuture(reply) // nothing written, nothing to confirm
            : replicas.confirm(writes).thenApply(confirmed -> reply));
    return result.handle((reply, error) -> {
      if (error != null) {
        lastWriteFailed = true;
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof UnconfirmedException unconfirmed) {
          throw unconfirmed;
        }
        // A replica (READONLY) answers while a failover is under way: unavailable, like no Redis at all.
        throw new IllegalStateException("storing updates in Redis failed: " + rootMessage(error), error);
      }
      lastWriteFailed = false;
      if (!reply.isEmpty() && "conflict".equals(reply.get(0))) {
        throw new DuplicateIdException(String.valueOf(reply.get(1)));
      }
      commitListener.committed(updates.size(), System.nanoTime() - started);
      List<Entry> entries = new ArrayList<>(reply.size());
      for (int i = 0; i < reply.size(); i++) {
        long sequence = Math.abs((Long) reply.get(i));
        entries.add(new Entry(sequence, withIds.get(i)));
      }
      return entries;
    });
  }

  /** EVALSHA, falling back to EVAL when Redis lost its script cache (a restart). */
  private CompletableFuture<List<Object>> runScript(String[] keys, String[] argv) {
    CompletableFuture<List<Object>> result = new CompletableFuture<>();
    try {
      writes.async().<List<Object>>evalsha(scriptSha, ScriptOutputType.MULTI, keys, argv)
          .whenComplete((reply, error) -> {
            if (error instanceof RedisNoScriptException) {
              writes.async().<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, argv)
                  .whenComplete((again, failure) -> complete(result, again, failure));
            } else {
              complete(result, reply, error);
            }
          });
    } catch (RuntimeException rejected) { // disconnected, or closed meanwhile: rejected at once
      result.completeExceptionally(rejected);
    }
    return result;
  }

  private static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
    if (error != null) {
      future.completeExceptionally(error);
    } else {
      future.complete(value);
    }
  }


  @Override
  public void onAppend(Consumer<List<Entry>> listener) {
    tail.onEntries(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void onLoss(Consumer<LogLoss> listener) {
    tail.onLoss(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void onCommit(CommitListener listener) {
    this.commitListener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public Replay readAfter(String lastEventId, int limit, long maxBytes) {
    RedisClusterCommands<String, String> redis = sync();
    long upTo = lastSequence(); // first: every sequence up to it is in the stream already
    long after = 0;
    boolean found = EARLIEST.equals(lastEventId);
    if (!found) {
      Double score = redis.zscore(settings.idsKey(), lastEventId);
      if (score != null) {
        after = score.longValue();
        found = true;
      }
    }
    List<Entry> entries = readAfterSequence(after, limit, maxBytes);
    if (found && after > 0) {
      // The ids index may outlive a trimmed entry briefly: a cursor older than the earliest entry
      // retained leaves a gap, so it counts as not found.
      long next = entries.isEmpty() ? upTo + 1 : entries.get(0).sequence();
      if (after < upTo && next != after + 1) {
        found = false;
        entries = readAfterSequence(0, limit, maxBytes);
      }
    }
    return new Replay(found, entries, upTo);
  }

  @Override
  public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    PageBuilder page = new PageBuilder(limit, maxBytes);
    // Bounded by bytes, small batches: a page of large updates must not arrive whole and then be cut.
    int batch = maxBytes == Long.MAX_VALUE ? limit : Math.min(limit, READ_BATCH);
    long after = sequence;
    while (true) {
      List<StreamMessage<String, String>> messages = sync().xrange(settings.streamKey(),
          Range.create((after + 1) + "-0", "+"), Limit.from(batch));
      for (StreamMessage<String, String> message : messages) {
        Entry entry = StreamEntries.entry(message);
        if (!page.offer(entry)) {
          return page.entries();
        }
        after = entry.sequence();
      }
      if (messages.size() < batch || !page.hasRoom()) {
        return page.entries();
      }
    }
  }

  @Override
  public long lastSequence() {
    String counter = sync().get(settings.sequenceKey());
    return counter == null ? 0 : Long.parseLong(counter);
  }

  @Override
  public LogStats stats() {
    try {
      RedisClusterCommands<String, String> redis = sync();
      long events = redis.xlen(settings.streamKey());
      List<StreamMessage<String, String>> first = redis.xrange(settings.streamKey(), Range.create("-", "+"),
          Limit.from(1));
      List<StreamMessage<String, String>> last = redis.xrevrange(settings.streamKey(), Range.create("-", "+"),
          Limit.from(1));
      Long memory = events == 0 ? 0L : memoryUsage(redis);
      long at = first.isEmpty() ? -1 : StreamEntries.storedAt(first.get(0));
      return new LogStats("redis", events, memory, null,
          first.isEmpty() ? null : first.get(0).getBody().get("id"),
          last.isEmpty() ? null : last.get(0).getBody().get("id"),
          at < 0 ? null : Instant.ofEpochMilli(at), retention(), tail.healthy() && !lastWriteFailed, recentLoss());
    } catch (RedisException e) {
      return new LogStats("redis", 0, null, null, null, null, null, retention(), false);
    }
  }

  /** The stream's memory ({@code MEMORY USAGE}), or null where it cannot be asked (a Cluster routes it nowhere). */
  private Long memoryUsage(RedisClusterCommands<String, String> redis) {
    try {
      return redis.memoryUsage(settings.streamKey());
    } catch (RedisException e) {
      return null;
    }
  }

  /** The loss this node noticed in the last {@link #LOSS_REPORTED_FOR}, in words, or null. */
  private String recentLoss() {
    LogLoss loss = tail.lastLoss();
    if (loss == null || loss.at().isBefore(Instant.now().minus(LOSS_REPORTED_FOR))) {
      return null;
    }
    return "at " + loss.at() + " " + loss.cause() + "; recovered: following the log from sequence "
        + loss.resumedAfter();
  }

  private Retention retention() {
    return new Retention(settings.maxEvents(), 0, settings.maxAge());
  }

  /** Drops entries older than the age bound, oldest first, a page at a time. */
  private void trimByAge() {
    try {
      RedisClusterCommands<String, String> redis = sync();
      long cutoff = System.currentTimeMillis() - settings.maxAge().toMillis();
      for (int page = 0; page < 100; page++) {
        List<StreamMessage<String, String>> oldest = redis.xrange(settings.streamKey(), Range.create("-", "+"),
            Limit.from(200));
        String keepFrom = null;
        for (StreamMessage<String, String> message : oldest) {
          if (StreamEntries.storedAt(message) >= cutoff) {
            keepFrom = message.getId();
            break;
          }
        }
        if (oldest.isEmpty() || oldest.get(0).getId().equals(keepFrom)) {
          return;
        }
        long keep = keepFrom != null ? StreamEntries.sequence(keepFrom)
            : StreamEntries.sequence(oldest.get(oldest.size() - 1).getId()) + 1;
        redis.xtrim(settings.streamKey(), XTrimArgs.Builder.minId(keep + "-0"));
        redis.zremrangebyscore(settings.idsKey(), Range.create(Double.NEGATIVE_INFINITY, (double) keep - 1));
        if (keepFrom != null) {
          return;
        }
      }
    } catch (RedisException e) {
      LOG.log(System.Logger.Level.DEBUG, "age retention pass skipped: " + e.getMessage());
    } catch (RuntimeException e) { // a scheduled task that throws is never run again
      LOG.log(System.Logger.Level.ERROR, "age retention pass failed", e);
    }
  }

  private RedisClusterCommands<String, String> sync() {
    return commands.sync();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    trimmer.shutdownNow();
    tail.close();
    tailConnection.close();
    if (writes != commands) {
      writes.close();
    }
    commands.close();
    client.shutdown();
    tailClient.shutdown();
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static String loadScript() {
    try (InputStream in = RedisEventLog.class.getResourceAsStream("append.lua")) {
      if (in == null) {
        throw new IllegalStateException("append.lua is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
