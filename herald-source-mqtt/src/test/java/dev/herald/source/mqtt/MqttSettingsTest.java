package dev.herald.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import java.util.List;
import org.junit.jupiter.api.Test;

class MqttSettingsTest {
  private static MqttSettings settings(String uri) {
    return MqttSettings.from(SourceUri.parse(uri));
  }

  @Test
  void defaults() {
    MqttSettings s = settings("mqtt://broker?filter=sensors/%23&topic=https://example.com/{+mqtt_topic}");
    assertThat(s.serverUri()).isEqualTo("tcp://broker:1883");
    assertThat(s.filters()).containsExactly("sensors/#");
    assertThat(s.qos()).isEqualTo(1);
    assertThat(s.clientId()).isEqualTo(MqttSettings.defaultClientId(List.of("sensors/#"))).hasSize(23)
        .startsWith("herald-");
    assertThat(s.retained()).isFalse();
    assertThat(s.keepAliveSeconds()).isEqualTo(30);
    assertThat(s.user()).isNull();
  }

  @Test
  void theDefaultClientIdFollowsTheFilters() {
    assertThat(MqttSettings.defaultClientId(List.of("a/#"))).isEqualTo(MqttSettings.defaultClientId(List.of("a/#")))
        .isNotEqualTo(MqttSettings.defaultClientId(List.of("b/#")))
        .isNotEqualTo(MqttSettings.defaultClientId(List.of("a/#", "b/#")));
  }

  @Test
  void everythingGiven() {
    MqttSettings s = settings("mqtts://dev:pw@broker:8884?filter=a/%2B/c&filter=d&qos=0&client_id=hub-1"
        + "&retained=true&keep_alive=1m&topic=t");
    assertThat(s.serverUri()).isEqualTo("ssl://broker:8884");
    assertThat(s.filters()).containsExactly("a/+/c", "d");
    assertThat(s.qos()).isZero();
    assertThat(s.clientId()).isEqualTo("hub-1");
    assertThat(s.retained()).isTrue();
    assertThat(s.keepAliveSeconds()).isEqualTo(60);
    assertThat(s.user()).isEqualTo("dev");
    assertThat(s.password()).isEqualTo("pw");
    assertThat(s.name()).contains("dev:***@broker").doesNotContain("pw@");
    assertThat(settings("mqtts://broker?filter=x&topic=t").serverUri()).isEqualTo("ssl://broker:8883");
    assertThat(Sources.open("mqtt://dev:pw@h?filter=x&topic=t").name()).isEqualTo("mqtt://dev:***@h?filter=x&topic=t");
  }

  @Test
  void theFactoryTakesBothSchemes() {
    assertThat(Sources.open("mqtt://h?filter=x&topic=t")).isInstanceOf(MqttSource.class);
    assertThat(Sources.open("mqtts://h?filter=x&topic=t")).isInstanceOf(MqttSource.class);
  }

  @Test
  void aFilterIsRequiredAndChecked() {
    assertThatThrownBy(() -> settings("mqtt://h?topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'filter'").hasMessageContaining("%23");
    assertThatThrownBy(() -> settings("mqtt://h?filter=a/%23/b&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an MQTT topic filter: 'a/#/b'");
    assertThatThrownBy(() -> settings("mqtt://h?filter=a%2B&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an MQTT topic filter: 'a+'");
    assertThatThrownBy(() -> settings("mqtt://h?filter=&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an MQTT topic filter");
    assertThatThrownBy(() -> settings("mqtt://h?filter=sensors/#&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write it %23");
  }

  @Test
  void qosIsZeroOrOne() {
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&qos=2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("qos=2 is not supported");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&qos=3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'qos' must be a whole number from 0 to 2");
  }

  @Test
  void headersDoNotExistInMqtt311() {
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&type_header=kind"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'type_header' does not apply: MQTT 3.1.1 messages have no headers");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&private_header=p"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'private_header' does not apply");
  }

  @Test
  void otherMistakesAreNamed() {
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=https://example.com/{topic}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown variable {topic}")
        .hasMessageContaining("{mqtt_topic}");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'topic'");
    assertThatThrownBy(() -> settings("mqtt://u:secret@h?filter=x&topic=t&clean=true"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter clean")
        .hasMessageNotContaining("secret")
        .hasMessageContaining("client_id, encoding, filter, keep_alive, private, private_header, qos, retained, topic,"
            + " type, type_header");
    assertThatThrownBy(() -> settings("mqtt://h/path?filter=x&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no path");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&client_id=")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'client_id' must not be empty");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&keep_alive=0s"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'keep_alive' must be from 1s");
    assertThatThrownBy(() -> settings("mqtt://h?filter=x&topic=t&retained=sometimes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("parameter 'retained' must be true or false, not 'sometimes'");
  }
}
