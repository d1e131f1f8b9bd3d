package dev.herald.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.source.Source;
import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The URI of a Kafka source: what it takes, its defaults, and a clear message for each mistake. */
class KafkaSettingsTest {
  private static final String TEMPLATE = "&topic=https://example.com/orders/{key}";

  private static KafkaSettings settings(String uri) {
    return KafkaSettings.from(SourceUri.parse(uri));
  }

  @Test
  void defaults() {
    KafkaSettings settings = settings("kafka://broker?topics=orders" + TEMPLATE);
    assertThat(settings.bootstrap()).isEqualTo("broker:9092");
    assertThat(settings.topics()).containsExactly("orders");
    assertThat(settings.group()).isEqualTo("herald");
    assertThat(settings.start()).isEqualTo("earliest");
    assertThat(settings.clientId()).isEqualTo("herald-herald");
    assertThat(settings.connectTimeout()).hasSeconds(15);
  }

  @Test
  void severalServersAndTopicsAndEveryParameter() {
    KafkaSettings settings = settings("kafka://k1:9093,k2,k3.example.com:9094?topics=orders,pay.ments_2,orders&group=g1"
        + "&start=latest&client_id=hub-1&connect_timeout=2s&type_header=kind&private_header=private&encoding=base64" + TEMPLATE);
    assertThat(settings.bootstrap()).isEqualTo("k1:9093,k2:9092,k3.example.com:9094");
    assertThat(settings.topics()).containsExactly("orders", "pay.ments_2");
    assertThat(settings.group()).isEqualTo("g1");
    assertThat(settings.start()).isEqualTo("latest");
    assertThat(settings.clientId()).isEqualTo("hub-1");
    assertThat(settings.connectTimeout()).hasSeconds(2);
  }

  @Test
  void theFactoryIsFoundByScheme() {
    try (Source source = Sources.open("kafka://localhost:9092?topics=orders&group=herald" + TEMPLATE)) {
      assertThat(source).isInstanceOf(KafkaSource.class);
      assertThat(source.name()).isEqualTo("kafka://localhost:9092?topics=orders&group=herald" + TEMPLATE);
      assertThat(source.lag()).isEqualTo(-1);
    }
  }

  @Test
  void topicsAreRequired() {
    assertThatThrownBy(() -> settings("kafka://broker?group=g" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'topics'");
    assertThatThrownBy(() -> settings("kafka://broker?topics=" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'topics'");
  }

  @Test
  void aBadTopicName() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders,,x" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'' in parameter 'topics'");
    assertThatThrownBy(() -> settings("kafka://broker?topics=or%2Fders" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'or/ders' in parameter 'topics' is not");
  }

  @Test
  void theTopicTemplateIsRequiredAndUsesKafkaVariables() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'topic'");
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&topic=https://example.com/{subject}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject");
  }

  @Test
  void startIsEarliestOrLatest() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&start=beginning" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'start'").hasMessageContaining("'beginning'");
  }

  @Test
  void aBadConnectTimeout() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&connect_timeout=soon" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'connect_timeout'");
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&connect_timeout=0s" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'connect_timeout'");
  }

  @Test
  void anEmptyGroup() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&group=" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'group'");
  }

  @Test
  void anUnknownParameterNamesTheKnownOnes() {
    assertThatThrownBy(() -> settings("kafka://broker?topics=orders&grup=g" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter grup").hasMessageContaining("group");
  }

  @Test
  void credentialsAreRefusedWithoutShowingThePassword() {
    assertThatThrownBy(() -> settings("kafka://user:s3cret@broker:9092?topics=orders" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SASL").hasMessageNotContaining("s3cret");
  }

  @Test
  void aBadServerListOrAPath() {
    assertThatThrownBy(() -> settings("kafka://k1:9092,?topics=orders" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'' is not a host[:port]");
    assertThatThrownBy(() -> settings("kafka://k1:99999?topics=orders" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k1:99999' is not a host[:port]");
    assertThatThrownBy(() -> settings("kafka://k1/orders?topics=orders" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no path");
  }

  @Test
  void theSharedMappingParametersAreChecked() {
    assertThatThrownBy(() -> settings("kafka://k1?topics=orders&type=a&type_header=b" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'type' or 'type_header'");
    assertThatThrownBy(() -> settings("kafka://k1?topics=orders&encoding=hex" + TEMPLATE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'encoding'");
  }

  @Test
  void aSlashBeforeTheQueryIsNoPath() {
    assertThat(settings("kafka://k1/?topics=a" + TEMPLATE).topics()).isEqualTo(List.of("a"));
  }
}
