package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One subscription's way from history to live: the one owner of "history, then live, nothing lost,
 * nothing twice, bounded". The subscription is registered pending before anything is read, so live
 * events published meanwhile are held. Each page of history is asked for within the server's
 * {@link ReplayBudget} (waiting its turn past it), read on a reader thread, written in chunks of
 * about {@link #CHUNK_BYTES}, and the next page is read only once this one reached the socket. After
 * the last page the held events newer than the history are written and the subscription goes live.
 *
 * <p>Memory: one page per replay at most, and all replays' pages together within the budget. A
 * replay whose socket takes nothing for the stall timeout is closed as a slow consumer, so stalled
 * clients cannot hold the budget for ever.
 */
final class ReplayJoin<E> {
  private static final System.Logger LOG = System.getLogger(ReplayJoin.class.getName());
  /** A replay writes its events in chunks of about this size: one write for many small events. */
  static final int CHUNK_BYTES = 32 * 1024;

  private final HttpExchange exchange;
  private final Subscription<E> subscription;
  private final History history;
  private final Executor readers;
  private final ServerConfig config;
  private final ReplayBudget budget;
  private final int pageBytes;
  private SseStream stream;
  /** Chunks of the current page that reached the socket: what the stall check watches. */
  private long progress;

  ReplayJoin(HttpExchange exchange, Subscription<E> subscription, History history, Executor readers,
      ServerConfig config) {
    this.exchange = exchange;
    this.subscription = subscription;
    this.history = history;
    this.readers = readers;
    this.config = config;
    this.budget = config.replayBudget;
    this.pageBytes = config.replayPageBytes;
  }

  /** On the event loop, the subscription already registered pending: asks for the first page. */
  void start() {
    exchange.deferAnswer();
    budget.acquire(pageBytes, () -> read(this::readStart));
  }

  private void read(Runnable task) {
    try {
      readers.execute(task);
    } catch (RejectedExecutionException shuttingDown) {
      budget.release(pageBytes);
      exchange.execute(exchange::close);
    }
  }

  /** On a reader thread. */
  private void readStart() {
    History.Start start;
    try {
      start = history.start(pageBytes);
    } catch (Throwable e) { // whatever it is, the subscriber gets an answer and the budget its bytes
      budget.release(pageBytes);
      exchange.execute(() -> refuse(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e)));
      Failures.rethrowIfFatal(e);
      return;
    }
    long held = settle(start.first());
    exchange.execute(() -> open(start, held));
  }

  /** Adjusts the budget from the page size asked for to the page's real size; returns that size. */
  private long settle(History.Page page) {
    long bytes = page.bytes();
    if (bytes > pageBytes) {
      budget.charge(bytes - pageBytes); // one update larger than a page: the replay must still progress
    } else {
      budget.release(pageBytes - bytes);
    }
    return bytes;
  }

  private void refuse(RuntimeException cause) {
    if (!exchange.isOpen()) {
      return;
    }
    try {
      history.unavailable(exchange, cause);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "answering a failed history read failed", e);
      exchange.close();
    }
  }

  /** On the event loop: the response opens with the start's headers, then the first page. */
  private void open(History.Start start, long held) {
    if (!exchange.isOpen()) {
      budget.release(held);
      return;
    }
    stream = exchange.openStream(start.headers().toArray(new String[0]));
    subscription.attach(stream);
    for (byte[] event : start.prelude()) {
      stream.writeReplay(SseChunks.frame(stream.alloc(), event));
    }
    write(start.first(), held);
  }

  /** On the event loop: writes one page; when it reached the socket, the next page or live. */
  private void write(History.Page page, long held) {
    if (!stream.isOpen()) {
      budget.release(held);
      return;
    }
    List<byte[]> batch = new ArrayList<>();
    int batchBytes = 0;
    for (byte[] event : page.events()) {
      if (batchBytes > 0 && batchBytes + event.length > CHUNK_BYTES) {
        send(batch, batchBytes);
        batch.clear();
        batchBytes = 0;
      }
      batch.add(event);
      batchBytes += event.length;
    }
    send(batch, batchBytes);
    config.replayed.add(page.events().size());
    // the listeners keep only these two: the page's events are garbage once framed
    boolean more = page.more();
    long reached = page.reached();
    ChannelFuture flushed = stream.flushed();
    flushed.addListener(done -> budget.release(held)); // also when the connection closed meanwhile
    flushed.addListener(done -> {
      if (done.isSuccess() && stream.isOpen()) {
        if (more) {
          next(reached);
        } else {
          goLive(reached);
        }
      }
    });
    if (!flushed.isDone()) {
      watchForStall(flushed, progress);
    }
  }

  private void send(List<byte[]> batch, int bytes) {
    if (batch.isEmpty()) {
      return;
    }
    ByteBuf chunk = SseChunks.frame(stream.alloc(), batch, bytes);
    stream.writeReplay(chunk).addListener(done -> progress++);
  }

  private void next(long after) {
    budget.acquire(pageBytes, () -> read(() -> readPage(after)));
  }

  /** On a reader thread. */
  private void readPage(long after) {
    History.Page page;
    try {
      page = history.pageAfter(after, pageBytes);
    } catch (Throwable e) {
      budget.release(pageBytes);
      LOG.log(System.Logger.Level.WARNING, "reading a page of history failed; closing the stream so that "
          + "the client resumes: " + e);
      exchange.execute(stream::close);
      Failures.rethrowIfFatal(e);
      return;
    }
    long held = settle(page);
    exchange.execute(() -> write(page, held));
  }

  private void goLive(long reached) {
    subscription.writtenUpTo(reached);
    subscription.goLive();
  }

  /**
   * Closes the stream if its socket took none of the page's chunks for a whole stall timeout: a
   * client that stopped reading must not keep its share of the replay budget.
   */
  private void watchForStall(ChannelFuture flushed, long progressBefore) {
    long timeout = config.replayStallTimeout.toNanos();
    if (timeout == 0) {
      return;
    }
    stream.eventLoop().schedule(() -> {
      if (flushed.isDone() || !stream.isOpen()) {
        return;
      }
      if (progress == progressBefore) {
        config.replaysStalled.increment();
        config.slowConsumersClosed.incrementAndGet();
        LOG.log(System.Logger.Level.INFO, "subscriber disconnected as too slow: its replay took nothing for "
            + config.replayStallTimeout.toMillis() + " ms; address=" + exchange.remoteAddress());
        stream.abort(); // a clean end would wait behind what the client does not read
      } else {
        watchForStall(flushed, progress);
      }
    }, timeout, TimeUnit.NANOSECONDS);
  }
}
