package dev.herald.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes at a fixed rate from one pacing thread: update {@code k} is due at
 * {@code start + k / rate}; the thread parks until then, or sends at once when late and records how
 * late ("publisher lag"). Topics are taken round-robin (or at random), each with its own sequence from 1. Sends
 * with {@link HttpClient#sendAsync} (HTTP/1.1), so a slow answer never holds up the pacing. An update
 * counts as measured when its send time is at or after {@code measureFrom}; only acknowledged (2xx)
 * measured updates are expected at the subscribers. At most {@code maxInFlight} publishes wait for
 * their answer at once; beyond that the pacing thread waits and falls behind.
 */
final class BenchPublisher {
  /** Later than this behind schedule counts as a late send. */
  private static final long LATE_NANOS = 2_000_000;
  /** The shortest wait between sends; at a higher rate several due updates go out together. */
  private static final long PACING_NANOS = Long.getLong("herald.bench.pacingNanos", 1_000_000);

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final BenchTargets targets;
  private final String authorization;
  private final int topics;
  private final double rate;
  private final int payloadSize;
  /** Null: topics round-robin; else each update's topic drawn from this (seeded, so runs repeat). */
  private java.util.SplittableRandom randomTopics;

  private final long[] nextSeq;
  final AtomicLongArray measuredAcked;
  final AtomicLongArray lastAckedSeq;
  final LongAdder published = new LongAdder();
  final LongAdder measuredPublished = new LongAdder();
  final LongAdder acknowledged = new LongAdder();
  final LongAdder late = new LongAdder();
  final AtomicLong lagMaxMicros = new AtomicLong();
  final AtomicLong inFlight = new AtomicLong();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile long lastSendNanos;
  private final java.util.concurrent.Semaphore window;
  private long measureFrom = Long.MAX_VALUE;

  BenchPublisher(BenchTargets targets, String token, int topics, double rate, int payloadSize, int maxInFlight) {
    this.window = new java.util.concurrent.Semaphore(maxInFlight);
    this.targets = targets;
    this.authorization = token == null ? null : "Bearer " + token;
    this.topics = topics;
    this.rate = rate;
    this.payloadSize = payloadSize;
    this.nextSeq = new long[topics];
    this.measuredAcked = new AtomicLongArray(topics);
    this.lastAckedSeq = new AtomicLongArray(topics);
  }

  /**
   * From now on each topic's updates go as events of one streaming publish per topic, held open for
   * the run and answered when {@link #awaitAnswers} ends them; only Mercure hubs that stream.
   */
  BenchPublisher streaming() {
    streams = new BenchStreams(targets, authorization, topics);
    streamSent = new long[topics];
    streamMeasured = new long[topics];
    return this;
  }

  private BenchStreams streams;
  /** Per topic, with {@link #streams}: the updates written to its stream, and the measured ones. */
  private long[] streamSent;
  private long[] streamMeasured;

  /** From now on each update goes to a topic drawn at random (seeded), not to the next in turn. */
  BenchPublisher randomTopics(long seed) {
    randomTopics = new java.util.SplittableRandom(seed);
    return this;
  }

  /** Publishes from now until {@code endNanos} (System.nanoTime), and returns then. */
  void run(long startNanos, long endNanos, long measureFromMicros) {
    run(startNanos, endNanos, Long.MAX_VALUE, measureFromMicros);
  }

  /** Publishes {@code count} updates at the rate, none of them measured; returns after the last send. */
  void publish(long count) {
    run(System.nanoTime(), Long.MAX_VALUE, count, Long.MAX_VALUE);
  }

  private void run(long startNanos, long endNanos, long count, long measureFromMicros) {
    measureFrom = measureFromMicros;
    for (long k = 0; k < count; k++) {
      long due = startNanos + (long) (k * 1e9 / rate);
      if (due >= endNanos) {
        break;
      }
      long now = System.nanoTime();
      if (due > now) {
        // Waits of at least PACING_NANOS, then everything due is sent: a process waking every few
        // microseconds makes this VM slow to wake other processes (docs/benchmarks.md), the hub's too.
        LockSupport.parkNanos(Math.max(due - now, PACING_NANOS));
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
      } else if (now - due > LATE_NANOS) {
        late.increment();
        lagMaxMicros.accumulateAndGet((now - due) / 1_000, Math::max);
      }
      send(randomTopics == null ? (int) (k % topics) : randomTopics.nextInt(topics));
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    // a timed run lasts until its end even when the last update was due earlier (a slow rate):
    // the measured window, and the server's CPU over it, cover the whole duration
    for (long now = System.nanoTime(); endNanos != Long.MAX_VALUE && now < endNanos; now = System.nanoTime()) {
      LockSupport.parkNanos(endNanos - now);
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    lastSendNanos = System.nanoTime();
  }

  private void send(int topic) {
    if (streams != null) {
      sendToStream(topic);
      return;
    }
    // at most maxInFlight unanswered publishes: a hub that answers slowly makes the publisher late
    // (reported as lag) instead of making the client open ever more connections
    window.acquireUninterruptibly();
    long seq = ++nextSeq[topic];
    long sendMicros = BenchPayload.nowMicros();
    boolean measured = sendMicros >= measureFrom;
    String payload = new BenchPayload(topic, seq, sendMicros).format(payloadSize);
    HttpRequest.Builder request = HttpRequest.newBuilder(targets.publish(topic))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", targets.contentType())
        .POST(HttpRequest.BodyPublishers.ofString(targets.body(topic, payload)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    published.increment();
    if (measured) {
      measuredPublished.increment();
    }
    inFlight.incrementAndGet();
    client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      if (error != null) {
        error(describe(error));
      } else if (response.statusCode() / 100 != 2) {
        error("http " + response.statusCode());
      } else {
        acknowledged.increment();
        lastAckedSeq.accumulateAndGet(topic, seq, Math::max);
        if (measured) {
          measuredAcked.incrementAndGet(topic);
        }
      }
      inFlight.decrementAndGet();
      window.release();
    });
  }

  private void sendToStream(int topic) {
    long seq = ++nextSeq[topic];
    long sendMicros = BenchPayload.nowMicros();
    boolean measured = sendMicros >= measureFrom;
    published.increment();
    if (measured) {
      measuredPublished.increment();
    }
    try {
      streams.send(topic, new BenchPayload(topic, seq, sendMicros).format(payloadSize));
      streamSent[topic]++;
      if (measured) {
        streamMeasured[topic]++;
      }
    } catch (IOException e) {
      error(describe(e));
    }
  }

  /** Ends every stream and counts what each answer acknowledged (all of a stream, or none of it). */
  private void finishStreams() {
    for (int topic = 0; topic < topics; topic++) {
      if (!streams.opened(topic)) {
        continue;
      }
      BenchStreams.Answer answer = streams.finish(topic);
      if (answer.status() == 200 && answer.ids() == streamSent[topic]) {
        acknowledged.add(streamSent[topic]);
        lastAckedSeq.accumulateAndGet(topic, nextSeq[topic], Math::max);
        measuredAcked.addAndGet(topic, streamMeasured[topic]);
      } else {
        error(answer.status() == 0 ? answer.firstLine() : "stream http " + answer.status());
      }
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return cause.getClass().getSimpleName();
  }

  private void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Waits (at most {@code timeout}) for every answer; unanswered sends count as errors. */
  void awaitAnswers(Duration timeout) throws InterruptedException {
    if (streams != null) {
      finishStreams(); // each answer within StreamUpload.ANSWER_TIMEOUT of its stream's end
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  long lastSendNanos() {
    return lastSendNanos;
  }

  long expected(long[] subscribersPerTopic) {
    long expected = 0;
    for (int t = 0; t < topics; t++) {
      expected += measuredAcked.get(t) * subscribersPerTopic[t];
    }
    return expected;
  }

  long[] lastAckedSeqs() {
    long[] last = new long[topics];
    for (int t = 0; t < topics; t++) {
      last[t] = lastAckedSeq.get(t);
    }
    return last;
  }

  /** Errors by kind ({@code http 429}, an exception name), plus {@code no answer} for sends still open. */
  Map<String, Long> errors() {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((kind, n) -> copy.put(kind, n.sum()));
    if (inFlight.get() > 0) {
      copy.merge("no answer", inFlight.get(), Long::sum);
    }
    return copy;
  }
}
