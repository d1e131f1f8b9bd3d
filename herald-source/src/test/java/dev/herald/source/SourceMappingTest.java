package dev.herald.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Update;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceMappingTest {
  private static final Set<String> VARIABLES = Set.of("key", "kafka_topic");

  private static SourceMapping mapping(String query) {
    SourceUri uri = SourceUri.parse("kafka://h?" + query);
    SourceMapping mapping = SourceMapping.from(uri, VARIABLES);
    uri.requireAllUsed();
    return mapping;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void topicsFromTemplatesTheFirstCanonical() throws Exception {
    Update update = mapping("topic=https://example.com/{kafka_topic}/{key}&topic=https://example.com/all")
        .map("id-1", Map.of("kafka_topic", "orders", "key", "42"), utf8("{\"total\":3}"), h -> null);
    assertThat(update.id()).isEqualTo("id-1");
    assertThat(update.topics()).containsExactly("https://example.com/orders/42", "https://example.com/all");
    assertThat(update.data()).isEqualTo("{\"total\":3}");
    assertThat(update.isPrivate()).isFalse();
    assertThat(update.type()).isNull();
  }

  @Test
  void aFixedTypeAndPrivacy() throws Exception {
    Update update = mapping("topic=t&type=order&private=true").map("i", Map.of(), utf8("x"), h -> null);
    assertThat(update.type()).isEqualTo("order");
    assertThat(update.isPrivate()).isTrue();
  }

  @Test
  void typeAndPrivacyFromHeaders() throws Exception {
    Map<String, String> headers = Map.of("event-type", "shipped", "private", "on");
    Update update = mapping("topic=t&type_header=event-type&private_header=private")
        .map("i", Map.of(), utf8("x"), headers::get);
    assertThat(update.type()).isEqualTo("shipped");
    assertThat(update.isPrivate()).isTrue();
  }

  @Test
  void aMissingPrivacyHeaderFallsBackToThePrivateParameter() throws Exception {
    assertThat(mapping("topic=t&private_header=p").map("i", Map.of(), utf8("x"), h -> null).isPrivate()).isFalse();
    assertThat(mapping("topic=t&private=on&private_header=p").map("i", Map.of(), utf8("x"), h -> null).isPrivate())
        .isTrue();
  }

  @Test
  void aPayloadThatIsNotUtf8IsRefusedWithAReasonWithoutThePayload() {
    byte[] invalid = {'o', 'k', (byte) 0xC3, (byte) 0x28};
    assertThatThrownBy(() -> mapping("topic=t").map("kafka-orders-0-7", Map.of(), invalid, h -> null))
        .isInstanceOf(RefusedMessage.class)
        .hasMessageContaining("kafka-orders-0-7")
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("encoding=base64");
  }

  @Test
  void aPayloadHoldingTheReplacementCharacterItselfIsValidText() throws Exception {
    Update update = mapping("topic=t").map("i", Map.of(), utf8("ok \uFFFD still ok"), h -> null);
    assertThat(update.data()).isEqualTo("ok \uFFFD still ok");
  }

  @Test
  void aTruncatedMultiByteSequenceAtTheEndIsRefused() {
    byte[] truncated = {'a', (byte) 0xE2, (byte) 0x82};
    assertThatThrownBy(() -> mapping("topic=t").map("i", Map.of(), truncated, h -> null))
        .isInstanceOf(RefusedMessage.class);
  }

  @Test
  void base64EncodingPublishesAnyBytes() throws Exception {
    byte[] bytes = {0, (byte) 0xff, (byte) 0xC3, 0x28};
    Update update = mapping("topic=t&encoding=base64").map("i", Map.of(), bytes, h -> null);
    assertThat(Base64.getDecoder().decode(update.data())).isEqualTo(bytes);
  }

  @Test
  void aTopicThatExpandsToNothingIsRefused() {
    assertThatThrownBy(() -> mapping("topic={key}").map("i", Map.of(), utf8("x"), h -> null))
        .isInstanceOf(RefusedMessage.class).hasMessageContaining("expands to nothing");
  }

  @Test
  void theTopicParameterIsRequired() {
    assertThatThrownBy(() -> mapping("type=x")).hasMessageContaining("parameter 'topic'");
  }

  @Test
  void typeAndTypeHeaderExcludeEachOther() {
    assertThatThrownBy(() -> mapping("topic=t&type=a&type_header=b")).hasMessageContaining("not both");
  }

  @Test
  void anUnknownEncodingIsAnError() {
    assertThatThrownBy(() -> mapping("topic=t&encoding=hex")).hasMessageContaining("text or base64");
  }
}
