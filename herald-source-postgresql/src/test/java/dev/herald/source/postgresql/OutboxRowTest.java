package dev.herald.source.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxRowTest {
  private static OutboxRow row(String topic, String eventId) {
    return new OutboxRow(42, topic, "{}", null, eventId, false);
  }

  @Test
  void theIdIsTheEventIdOrTheRowId() throws Exception {
    assertThat(row("t", null).toUpdate().id()).isEqualTo("outbox-42");
    assertThat(row("t", "").toUpdate().id()).isEqualTo("outbox-42");
    assertThat(row("t", "order-7").toUpdate().id()).isEqualTo("order-7");
    assertThat(row("t", "x".repeat(256)).toUpdate().id()).hasSize(256);
  }

  @Test
  void columnsMapAsTheyAre() throws Exception {
    Update update = new OutboxRow(1, "https://a/1  https://b/1\thttps://c/1", "line 1\nline 2", "order", null, true)
        .toUpdate();
    assertThat(update.topics()).containsExactly("https://a/1", "https://b/1", "https://c/1");
    assertThat(update.data()).isEqualTo("line 1\nline 2");
    assertThat(update.type()).isEqualTo("order");
    assertThat(update.isPrivate()).isTrue();
    assertThat(new OutboxRow(1, " t ", null, "", null, false).toUpdate().type()).isNull();
    assertThat(new OutboxRow(1, " t ", null, "", null, false).toUpdate().data()).isEmpty();
  }

  @Test
  void rowsTheHubWouldNotPublishAreRefused() {
    assertThatThrownBy(() -> row("t", "#x").toUpdate()).isInstanceOf(RefusedMessage.class)
        .hasMessage("message outbox row 42 (#x) refused: its event_id must not start with '#'");
    assertThatThrownBy(() -> row("t", "x".repeat(257)).toUpdate()).hasMessageContaining("longer than 256");
    assertThatThrownBy(() -> row("t", "earliest").toUpdate()).hasMessageContaining("'earliest'");
    assertThatThrownBy(() -> row("t", "a\nb").toUpdate()).hasMessageContaining("CR or LF");
    assertThatThrownBy(() -> row("", null).toUpdate()).hasMessageContaining("its topic is empty");
    assertThatThrownBy(() -> row(" \n ", null).toUpdate()).hasMessageContaining("its topic is empty");
    assertThatThrownBy(() -> row(null, null).toUpdate()).hasMessageContaining("its topic is empty");
    assertThatThrownBy(() -> new OutboxRow(1, "t", "", "a\rb", null, false).toUpdate())
        .hasMessageContaining("its type must not contain CR or LF");
  }

  @Test
  void topicsSplitOnWhiteSpace() {
    assertThat(OutboxRow.topics("a")).isEqualTo(List.of("a"));
    assertThat(OutboxRow.topics("  a  b ")).isEqualTo(List.of("a", "b"));
    assertThat(OutboxRow.topics("a\r\nb")).isEqualTo(List.of("a", "b"));
    assertThat(OutboxRow.topics("")).isEmpty();
  }
}
