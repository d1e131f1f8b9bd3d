package com.example.books;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.Hub;
import dev.herald.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublishBookTest {
  private static final String SECRET = "a-secret-of-at-least-32-bytes-for-hs256!";

  @Test
  void theTwoLinesPublishAnUpdateThatASubscriberReceives() throws Exception {
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
        .ui(false).start();
        EventIterator events = EventSource.builder(URI.create(hub.url() + "?topic=https://example.com/books/1"))
            .lastEventId("earliest").iterator()) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      PrintStream out = System.out;
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        PublishBook.main(new String[] {hub.url(), SECRET});
      } finally {
        System.setOut(out);
      }
      SseEvent event = events.poll(Duration.ofSeconds(10));
      assertNotNull(event);
      assertEquals("{\"title\":\"Dune\"}", event.data());
      assertEquals(printed.toString(StandardCharsets.UTF_8).strip(), event.id());
    }
  }
}
