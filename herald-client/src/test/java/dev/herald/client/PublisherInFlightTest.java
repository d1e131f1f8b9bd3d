package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HubPublisher.Builder#maxInFlight}: a hub stand-in (a real JDK HttpServer) holds every request
 * until the test lets it answer, and counts the requests it holds at once. With two slots, two
 * requests are out, the third {@code publishAsync} waits for a slot, and each answer lets one more go.
 */
class PublisherInFlightTest {
  private static final long WAIT_SECONDS = 20;

  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger mostHeld = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  /** One permit per request that arrived. */
  private final Semaphore arrivals = new Semaphore(0);
  /** One permit per request the hub may answer. */
  private final Semaphore answers = new Semaphore(0);
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer hub;

  @BeforeEach
  void start() throws IOException {
    hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hub.setExecutor(handlers); // the default runs one exchange at a time
    hub.createContext("/.well-known/mercure", this::holdThenAnswer);
    hub.start();
  }

  @AfterEach
  void stop() {
    answers.release(1_000);
    hub.stop(0);
    handlers.shutdownNow();
  }

  private void holdThenAnswer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    received.incrementAndGet();
    mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
    arrivals.release();
    try {
      answers.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    held.decrementAndGet(); // before the answer, which frees the publisher's slot
    byte[] body = "urn:uuid:stored".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Test
  void atMostMaxInFlightRequestsArePendingAndTheNextPublishWaitsForASlot() throws Exception {
    URI endpoint = URI.create("http://127.0.0.1:" + hub.getAddress().getPort() + "/.well-known/mercure");
    List<CompletableFuture<String>> results = new CopyOnWriteArrayList<>();
    AtomicInteger returned = new AtomicInteger();
    try (HubPublisher publisher = HubPublisher.builder(endpoint).token("t").maxInFlight(2).build()) {
      Thread caller = new Thread(() -> {
        for (int i = 0; i < 5; i++) {
          results.add(publisher.publishAsync(Publication.of("t", "update " + i)));
          returned.incrementAndGet();
        }
      }, "publisher-caller");
      caller.start();

      assertThat(arrivals.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).as("two requests reach the hub").isTrue();
      awaitWaitingForASlot(caller);
      assertThat(returned).as("publishAsync calls that returned").hasValue(2);
      assertThat(held).hasValue(2);

      answers.release(); // the hub answers one: its slot goes to the third publication
      assertThat(arrivals.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)).as("the third request").isTrue();
      awaitWaitingForASlot(caller);
      assertThat(returned).hasValue(3);

      answers.release(4);
      caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertThat(received).hasValue(5);
    assertThat(mostHeld).as("requests held at once").hasValue(2);
  }

  /** Until {@code caller} is parked in {@link HubPublisher#publishAsync}, waiting for a slot. */
  private static void awaitWaitingForASlot(Thread caller) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!(caller.getState() == Thread.State.WAITING && Arrays.stream(caller.getStackTrace()).anyMatch(frame ->
        frame.getClassName().equals(Semaphore.class.getName()) && frame.getMethodName().equals("acquire")))) {
      if (!caller.isAlive() || System.nanoTime() > deadline) {
        fail("the caller is not waiting for a slot: " + caller.getState() + " " + Arrays.toString(caller.getStackTrace()));
      }
      Thread.sleep(1);
    }
  }
}
