package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HubPublisher} waits the hub's {@code Retry-After}, delta-seconds or an HTTP date, capped at
 * its maximum backoff. A real JDK HttpServer answers 503 with the header, then 200; the publisher's
 * clock is fixed and its waits are recorded instead of slept, so the test reads the delay it chose.
 */
class PublisherRetryAfterTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** The Retry-After of each refused attempt, in order; once empty, the hub accepts. */
  private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private HttpServer hub;

  @BeforeEach
  void start() throws IOException {
    hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hub.createContext("/.well-known/mercure", this::answer);
    hub.start();
  }

  @AfterEach
  void stop() {
    hub.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    attempts.incrementAndGet();
    String retryAfter = refusals.poll();
    byte[] body = (retryAfter == null ? "urn:uuid:stored" : "overloaded").getBytes(StandardCharsets.UTF_8);
    if (retryAfter != null) {
      exchange.getResponseHeaders().set("Retry-After", retryAfter);
    }
    exchange.sendResponseHeaders(retryAfter == null ? 200 : 503, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private String publishAfterRefusals(String... retryAfters) {
    refusals.addAll(List.of(retryAfters));
    URI endpoint = URI.create("http://127.0.0.1:" + hub.getAddress().getPort() + "/.well-known/mercure");
    try (HubPublisher publisher = HubPublisher.builder(endpoint).token("t")
        .backoff(Duration.ofMillis(1), MAX_BACKOFF).clock(CLOCK)
        .delays(delay -> {
          waits.add(delay);
          return Runnable::run;
        }).build()) {
      return publisher.publish("t", "d");
    }
  }

  @Test
  void anHttpDateIsWaitedFor() {
    assertThat(publishAfterRefusals("Sun, 22 Nov 2026 12:00:42 GMT")).isEqualTo("urn:uuid:stored");

    assertThat(waits).containsExactly(Duration.ofSeconds(42));
    assertThat(attempts).hasValue(2);
  }

  @Test
  void anHttpDateInAnObsoleteFormIsWaitedForToo() {
    publishAfterRefusals("Sunday, 22-Nov-26 12:00:05 GMT", "Sun Nov 22 12:00:07 2026");

    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(7));
  }

  @Test
  void delayInSecondsIsWaitedFor() {
    publishAfterRefusals("7");

    assertThat(waits).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void aDateBeyondTheMaximumBackoffWaitsTheMaximum() {
    publishAfterRefusals("Sun, 22 Nov 2026 13:00:00 GMT");

    assertThat(waits).containsExactly(MAX_BACKOFF);
  }

  @Test
  void aDateInThePastRetriesAtOnce() {
    publishAfterRefusals("Sun, 22 Nov 2026 11:00:00 GMT");

    assertThat(waits).containsExactly(Duration.ZERO);
  }

  @Test
  void anUnreadableRetryAfterLeavesTheBackoff() {
    publishAfterRefusals("soon");

    // the first backoff: the initial 1 ms with jitter over its upper half
    assertThat(waits).singleElement().satisfies(wait ->
        assertThat(wait).isBetween(Duration.ofNanos(500_000), Duration.ofMillis(1)));
  }
}
