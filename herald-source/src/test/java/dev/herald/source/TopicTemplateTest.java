package dev.herald.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicTemplateTest {
  private static final Set<String> VARIABLES = Set.of("key", "mqtt_topic");

  @Test
  void aSimpleVariableIsPercentEncodedSoItCannotAddPathSegments() {
    TopicTemplate template = TopicTemplate.parse("https://example.com/orders/{key}", VARIABLES);
    assertThat(template.expand(Map.of("key", "a/b c?d#é"))).isEqualTo("https://example.com/orders/a%2Fb%20c%3Fd%23%C3%A9");
  }

  @Test
  void aPlusVariableKeepsReservedCharacters() {
    TopicTemplate template = TopicTemplate.parse("https://example.com/{+mqtt_topic}", VARIABLES);
    assertThat(template.expand(Map.of("mqtt_topic", "sensors/room 1/temp"))).isEqualTo("https://example.com/sensors/room%201/temp");
  }

  @Test
  void unreservedCharactersStayAsTheyAre() {
    assertThat(TopicTemplate.parse("{key}", VARIABLES).expand(Map.of("key", "Az09-._~"))).isEqualTo("Az09-._~");
  }

  @Test
  void aMissingVariableExpandsToNothing() {
    assertThat(TopicTemplate.parse("orders/{key}", VARIABLES).expand(Map.of())).isEqualTo("orders/");
  }

  @Test
  void anUnknownVariableIsAnErrorNamingThoseTheSourceHas() {
    assertThatThrownBy(() -> TopicTemplate.parse("https://example.com/{partition}", VARIABLES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown variable {partition}")
        .hasMessageContaining("{key}, {mqtt_topic}");
  }

  @Test
  void unbalancedBracesAreErrors() {
    assertThatThrownBy(() -> TopicTemplate.parse("a/{key", VARIABLES)).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> TopicTemplate.parse("a/key}", VARIABLES)).hasMessageContaining("unmatched");
  }

  @Test
  void aTemplateWithoutVariablesIsFixed() {
    assertThat(TopicTemplate.parse("https://example.com/all", VARIABLES).isFixed()).isTrue();
    assertThat(TopicTemplate.parse("https://example.com/{key}", VARIABLES).isFixed()).isFalse();
  }

  @Test
  void lineBreaksAreRefused() {
    assertThatThrownBy(() -> TopicTemplate.parse("a\nb", VARIABLES)).hasMessageContaining("CR or LF");
  }
}
