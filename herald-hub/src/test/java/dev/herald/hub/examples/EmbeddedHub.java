package dev.herald.hub.examples;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.HubPublisher;
import dev.herald.hub.Hub;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.sse.SseEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The example of docs/embedding.md, word for word: a hub inside an application, a publish, a delivery. */
public final class EmbeddedHub {
  private EmbeddedHub() {}

  /** Starts a hub on {@code port} (0: any free one) with its log in {@code dataDir}; returns the event received. */
  public static SseEvent run(Path dataDir, int port) throws Exception {
    String secret = "change-me-to-32-bytes-or-more-of-secret"; // in real life: from your configuration

    try (Hub hub = Hub.builder()
        .listen(new InetSocketAddress("127.0.0.1", port))
        .jwtSecret(secret)                 // verifies publisher and subscriber tokens
        .anonymous(true)                   // subscribers without a token get public updates
        .eventLog(() -> SqliteEventLog.open(dataDir.resolve("events.db"), SqliteEventLog.Durability.OS,
            Retention.DEFAULT, new IdGenerator()))
        .cacheSize(64L << 20)              // the newest 64 MiB of updates also in memory
        .start()) {
      URI url = URI.create(hub.url());     // http://127.0.0.1:<port>/.well-known/mercure

      // "earliest": everything the log retains, then live updates; so nothing is missed however the
      // subscription and the publish race
      try (EventIterator events = EventSource.builder(URI.create(url + "?topic=https://example.com/books/1"))
              .lastEventId("earliest").iterator();
          HubPublisher publisher = HubPublisher.builder(url).jwtSecret(secret).build()) {
        String id = publisher.publish("https://example.com/books/1", "{\"title\":\"Dune\"}");
        SseEvent event = events.poll(Duration.ofSeconds(10));
        System.out.println("published " + id + ", received " + (event == null ? "nothing" : event.data()));
        return event;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    run(Path.of(args.length > 0 ? args[0] : "herald-data"), 8080);
  }
}
