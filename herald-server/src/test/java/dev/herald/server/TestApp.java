package dev.herald.server;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small application on {@link HttpServer} for its tests: {@code GET /stream?topic=t} subscribes,
 * {@code GET /costly?topic=t} subscribes as a {@link Subscription#costly costly} subscription,
 * {@code GET /fragile?topic=t} with a filter that throws on events whose data is {@code boom},
 * {@code POST /publish?topic=t} with a text body publishes it to that topic, {@code POST /early} is
 * refused with 403 (before its body arrives when the builder streams it), anything else is 404.
 */
final class TestApp implements AutoCloseable {
  record Update(String topic, String data) {}

  final HttpServer server;
  final FanOut<Update> fanOut;
  private final AtomicLong sequence = new AtomicLong();
  private final Object publishLock = new Object();
  /** Reader threads for histories (daemons: shared by every app of the test run). */
  static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(
      task -> {
        Thread thread = new Thread(task, "test-history-reader");
        thread.setDaemon(true);
        return thread;
      });

  TestApp(HttpServer.Builder builder) throws InterruptedException {
    FanOut<Update>[] holder = newHolder();
    server = builder.listen(new InetSocketAddress("127.0.0.1", 0))
        .handler(exchange -> route(exchange, holder[0]))
        .start();
    fanOut = server.newFanOut();
    holder[0] = fanOut;
  }

  @SuppressWarnings("unchecked")
  private static FanOut<Update>[] newHolder() {
    return new FanOut[1];
  }

  TestApp() throws InterruptedException {
    this(HttpServer.builder());
  }

  String url(String pathAndQuery) {
    return (server.secure() ? "https" : "http") + "://127.0.0.1:" + server.address().getPort() + pathAndQuery;
  }

  void publish(String topic, String data) {
    synchronized (publishLock) {
      long seq = sequence.incrementAndGet();
      fanOut.publish(new Update(topic, data), seq,
          SseEncoder.encode(SseEvent.builder().id(Long.toString(seq)).data(data).build()));
    }
  }

  private static void route(HttpExchange exchange, FanOut<Update> fanOut) {
    String topic = exchange.queryParameter("topic");
    if (exchange.method().equals("GET") && exchange.path().equals("/stream")) {
      SseStream stream = exchange.openStream("Cache-Control", "no-cache");
      fanOut.add(new Subscription<>(stream, update -> update.topic().equals(topic)));
    } else if (exchange.method().equals("GET") && exchange.path().equals("/fragile")) {
      // a filter that throws what a pathological matcher would, on the event whose data is "boom"
      SseStream stream = exchange.openStream("Cache-Control", "no-cache");
      fanOut.add(new Subscription<>(stream, update -> {
        if (update.data().equals("boom")) {
          throw new StackOverflowError();
        }
        return update.topic().equals(topic);
      }));
    } else if (exchange.method().equals("POST") && exchange.path().equals("/early")) {
      exchange.respond(403, "text/plain", "refused");
    } else if (exchange.method().equals("GET") && exchange.path().equals("/costly")) {
      SseStream stream = exchange.openStream("Cache-Control", "no-cache");
      fanOut.add(new Subscription<TestApp.Update>(stream, update -> update.topic().equals(topic)).costly());
    } else if (exchange.method().equals("GET") && exchange.path().equals("/late")) {
      // Registers at once but opens the stream 300 ms later, as if reading history meanwhile.
      long upTo = Long.parseLong(exchange.queryParameter("upTo"));
      fanOut.subscribe(exchange, new Subscription<>(update -> update.topic().equals(topic)),
          new History() {
            @Override
            public Start start(int maxBytes) {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new Start(java.util.List.of(), java.util.List.of(), new Page(java.util.List.of(), upTo, false));
            }

            @Override
            public Page pageAfter(long sequence, int maxBytes) {
              throw new AssertionError("one page only");
            }
          }, READERS);
    } else if (exchange.method().equals("GET") && exchange.path().equals("/boom")) {
      throw new IllegalStateException("boom");
    } else if (exchange.method().equals("GET") && exchange.path().equals("/overflow")) {
      throw new StackOverflowError();
    } else if (exchange.method().equals("POST") && exchange.path().equals("/echo")) {
      exchange.respond(200, "text/plain", exchange.bodyText());
    } else {
      exchange.respond(404, "text/plain", "not_found\n");
    }
  }

  static Duration seconds(long n) {
    return Duration.ofSeconds(n);
  }

  @Override
  public void close() {
    server.close();
  }
}
