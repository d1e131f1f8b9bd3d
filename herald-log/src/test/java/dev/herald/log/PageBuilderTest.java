package dev.herald.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageBuilderTest {
  private static Entry entry(long sequence, int dataChars) {
    return new Entry(sequence, new Update("id" + sequence, List.of("t"), "x".repeat(dataChars), false, null, null));
  }

  @Test
  void stopsAtTheCountLimit() {
    PageBuilder page = new PageBuilder(2, Long.MAX_VALUE);
    assertThat(page.offer(entry(1, 1))).isTrue();
    assertThat(page.offer(entry(2, 1))).isTrue();
    assertThat(page.offer(entry(3, 1))).isFalse();
    assertThat(page.entries()).extracting(Entry::sequence).containsExactly(1L, 2L);
  }

  @Test
  void refusesAnEntryThatWouldPassTheByteBound() {
    long size = entry(1, 1000).update().bytes();
    PageBuilder page = new PageBuilder(100, 2 * size + size / 2);
    assertThat(page.offer(entry(1, 1000))).isTrue();
    assertThat(page.offer(entry(2, 1000))).isTrue();
    assertThat(page.offer(entry(3, 1000))).isFalse();
    assertThat(page.entries()).hasSize(2);
  }

  @Test
  void takesOneEntryLargerThanTheBoundSoThatAReadMakesProgress() {
    PageBuilder page = new PageBuilder(100, 10);
    assertThat(page.offer(entry(1, 5000))).isTrue();
    assertThat(page.offer(entry(2, 1))).isFalse();
    assertThat(page.entries()).hasSize(1);
  }

  @Test
  void updateBytesCountTheTextOfEveryField() {
    Update update = new Update("abc", List.of("t1", "t22"), "12345", false, "type", 10L);
    assertThat(update.bytes()).isEqualTo(Update.OVERHEAD_BYTES + 3 + 2 + 3 + 5 + 4);
  }

  @Test
  void aSizeTheCallerKnowsCountsInsteadOfTheUpdatesOwn() {
    PageBuilder page = new PageBuilder(100, 100);
    assertThat(page.offer(entry(1, 1), 60)).isTrue();
    assertThat(page.offer(entry(2, 1), 60)).as("60 + 60 > 100, whatever the entry's own size").isFalse();
    assertThat(page.entries()).hasSize(1);
  }

  @Test
  void aLimitOfZeroTakesNothing() {
    assertThat(new PageBuilder(0, 10).offer(entry(1, 1))).isFalse();
  }

  @Test
  void refusesNegativeOrZeroBounds() {
    assertThatThrownBy(() -> new PageBuilder(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PageBuilder(10, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
