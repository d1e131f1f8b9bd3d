package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions whose selectors are all exact topics are indexed by topic in their shard: they get
 * the updates on their topics, once each, whichever way the update reaches them.
 */
class TopicIndexTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void anUpdateOnTwoSelectedTopicsArrivesOnce() throws Exception {
    fixture = new HubFixture();
    try (EventIterator events = fixture.subscribe("https://example.com/a", "https://example.com/b")) {
      String both = fixture.publishOk("topic", "https://example.com/a", "topic", "https://example.com/b", "data", "both");
      String onlyB = fixture.publishOk("topic", "https://example.com/b", "data", "b");

      assertThat(events.poll(Duration.ofSeconds(10)).id()).isEqualTo(both);
      assertThat(events.poll(Duration.ofSeconds(10)).id()).as("not the first one again").isEqualTo(onlyB);
    }
  }

  @Test
  void indexedAndTemplateSubscriptionsEachGetTheirUpdates() throws Exception {
    fixture = new HubFixture();
    try (EventIterator exact = fixture.subscribe("https://example.com/books/1");
        EventIterator template = fixture.subscribe("https://example.com/books/{id}");
        EventIterator other = fixture.subscribe("https://example.com/books/2")) {
      String first = fixture.publishOk("topic", "https://example.com/books/1", "data", "one");
      String second = fixture.publishOk("topic", "https://example.com/books/2", "data", "two");

      assertThat(exact.poll(Duration.ofSeconds(10)).id()).isEqualTo(first);
      assertThat(template.poll(Duration.ofSeconds(10)).id()).isEqualTo(first);
      assertThat(template.poll(Duration.ofSeconds(10)).id()).isEqualTo(second);
      assertThat(other.poll(Duration.ofSeconds(10)).id()).isEqualTo(second);
      String third = fixture.publishOk("topic", "https://example.com/books/1", "data", "three");
      assertThat(exact.poll(Duration.ofSeconds(10)).id()).as("the second was not for it").isEqualTo(third);
    }
  }
}
