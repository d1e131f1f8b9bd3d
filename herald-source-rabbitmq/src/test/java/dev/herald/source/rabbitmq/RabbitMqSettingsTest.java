package dev.herald.source.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import org.junit.jupiter.api.Test;

class RabbitMqSettingsTest {
  private static RabbitMqSettings settings(String uri) {
    return RabbitMqSettings.from(SourceUri.parse(uri));
  }

  @Test
  void defaults() {
    RabbitMqSettings s = settings("amqp://broker?queue=orders&topic=https://example.com/{routing_key}");
    assertThat(s.host()).isEqualTo("broker");
    assertThat(s.port()).isEqualTo(5672);
    assertThat(s.tls()).isFalse();
    assertThat(s.user()).isNull();
    assertThat(s.password()).isNull();
    assertThat(s.vhost()).isEqualTo("/");
    assertThat(s.queue()).isEqualTo("orders");
    assertThat(s.declare()).isTrue();
    assertThat(s.typeProperty()).isFalse();
  }

  @Test
  void userPasswordVhostAndTls() {
    RabbitMqSettings s = settings("amqps://app:p%40ss@broker:5700/shop?queue=orders&declare=false"
        + "&topic=https://example.com/{queue}");
    assertThat(s.tls()).isTrue();
    assertThat(s.port()).isEqualTo(5700);
    assertThat(s.user()).isEqualTo("app");
    assertThat(s.password()).isEqualTo("p@ss");
    assertThat(s.vhost()).isEqualTo("shop");
    assertThat(s.declare()).isFalse();
    assertThat(s.name()).doesNotContain("p%40ss").contains("app:***@broker");
    assertThat(s.toString()).doesNotContain("p%40ss");
    assertThat(settings("amqps://broker?queue=q&topic=t").port()).isEqualTo(5671);
    assertThat(settings("amqp://broker/%2F?queue=q&topic=t").vhost()).isEqualTo("/");
    assertThat(settings("amqp://broker/?queue=q&topic=t").vhost()).isEqualTo("/");
  }

  @Test
  void theFactoryTakesBothSchemes() {
    assertThat(Sources.open("amqp://h?queue=q&topic=t")).isInstanceOf(RabbitMqSource.class);
    assertThat(Sources.open("amqps://h?queue=q&topic=t")).isInstanceOf(RabbitMqSource.class);
  }

  @Test
  void aQueueIsRequired() {
    assertThatThrownBy(() -> settings("amqp://h?topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameter 'queue' (the queue to consume) is required in amqp://h?topic=t");
    assertThatThrownBy(() -> settings("amqp://h?queue=&topic=t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'queue'");
    assertThatThrownBy(() -> settings("amqp://h?queue=" + "q".repeat(256) + "&topic=t"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than AMQP's 255 characters");
  }

  @Test
  void aTopicIsRequiredAndItsVariablesAreChecked() {
    assertThatThrownBy(() -> settings("amqp://h?queue=q")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'topic'").hasMessageContaining("{exchange}");
    assertThatThrownBy(() -> settings("amqp://h?queue=q&topic=https://example.com/{key}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown variable {key}").hasMessageContaining("{exchange}, {queue}, {routing_key}");
  }

  @Test
  void unknownParametersAreRefusedWithThePasswordHidden() {
    assertThatThrownBy(() -> settings("amqp://u:secret@h?queue=q&topic=t&prefetch=5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter prefetch").hasMessageContaining("u:***@h")
        .hasMessageNotContaining("secret")
        .hasMessageContaining("declare, encoding, private, private_header, queue, topic, type, type_header, type_property");
  }

  @Test
  void oneSourceOfTheTypeOnly() {
    assertThatThrownBy(() -> settings("amqp://h?queue=q&topic=t&type=x&type_property=true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("give one of 'type', 'type_header' and 'type_property', not several");
    assertThatThrownBy(() -> settings("amqp://h?queue=q&topic=t&type_header=k&type_property=on"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not several");
    assertThat(settings("amqp://h?queue=q&topic=t&type_property=false&type=x").typeProperty()).isFalse();
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> settings("amqp://h?queue=q&topic=t&declare=maybe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameter 'declare' must be true or false, not 'maybe'");
    assertThatThrownBy(() -> settings("amqp://h?queue=q&topic=t&encoding=hex"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'encoding' must be text or base64");
    assertThatThrownBy(() -> settings("amqp://h?queue=a&queue=b&topic=t"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'queue' is given 2 times");
  }

  @Test
  void idsThatCannotBeUpdateIdsAreNamed() {
    assertThat(RabbitMqSource.idProblem("order-1")).isNull();
    assertThat(RabbitMqSource.idProblem("#1")).contains("'#'");
    assertThat(RabbitMqSource.idProblem("earliest")).contains("'earliest'");
    assertThat(RabbitMqSource.idProblem("a\rb")).contains("CR, LF or NUL");
    assertThat(RabbitMqSource.idProblem("x".repeat(257))).contains("longer than 256");
  }
}
