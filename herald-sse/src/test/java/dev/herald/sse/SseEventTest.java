package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link SseEvent} refuses because it cannot be framed on the wire. */
class SseEventTest {

  @Test
  void idWithLineFeedIsRejectedNamingTheField() {
    assertThatThrownBy(() -> SseEvent.builder().id("a\nb").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must not contain CR or LF (found at index 1)");
  }

  @Test
  void idWithCarriageReturnIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().id("a\r").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("id must not contain CR or LF");
  }

  @Test
  void idWithNulIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().id("a\0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must not contain NUL (found at index 1)");
  }

  @Test
  void typeWithLineFeedIsRejected() {
    assertThatThrownBy(() -> SseEvent.of("a\nb", "data"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("type must not contain CR or LF");
  }

  @Test
  void typeWithCarriageReturnIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().type("\r").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("type must not contain CR or LF");
  }

  @Test
  void typeMayContainNul() {
    assertThat(SseEvent.builder().type("a\0b").build().type()).isEqualTo("a\0b");
  }

  @Test
  void negativeRetryIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().retryMillis(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retry must not be negative");
  }

  @Test
  void retryBeyondLongMillisecondsIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().retry(Duration.ofSeconds(Long.MAX_VALUE)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retry is too large");
  }

  @Test
  void dataAndCommentMayContainAnything() {
    SseEvent event = SseEvent.builder().data("\r\n\0").comment("\n\0").build();
    assertThat(event.data()).isEqualTo("\r\n\0");
    assertThat(event.comment()).isEqualTo("\n\0");
  }

  @Test
  void toBuilderCopiesEveryField() {
    SseEvent event = new SseEvent("1", "t", "d", Duration.ofMillis(5), "c");
    assertThat(event.toBuilder().build()).isEqualTo(event);
  }
}
