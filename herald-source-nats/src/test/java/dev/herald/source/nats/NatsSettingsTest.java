package dev.herald.source.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.source.Source;
import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NatsSettingsTest {
  private static NatsSettings parse(String uri) {
    return NatsSettings.parse(SourceUri.parse(uri));
  }

  @Test
  void readsEveryParameter() {
    NatsSettings settings = parse("nats://app:s3cret@nats.example:4333?stream=ORDERS&subjects=orders.>,refunds.*"
        + "&durable=hub-1&ack_wait=10s&deliver=new&topic=https://example.com/{+subject}&type_header=Event-Type");
    assertThat(settings.host()).isEqualTo("nats.example");
    assertThat(settings.port()).isEqualTo(4333);
    assertThat(settings.user()).isEqualTo("app");
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.stream()).isEqualTo("ORDERS");
    assertThat(settings.subjects()).containsExactly("orders.>", "refunds.*");
    assertThat(settings.durable()).isEqualTo("hub-1");
    assertThat(settings.ackWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.deliverNew()).isTrue();
    assertThat(settings.serverUrl()).isEqualTo("nats://nats.example:4333");
  }

  @Test
  void defaults() {
    NatsSettings settings = parse("nats://localhost?stream=ORDERS&topic=https://example.com/{subject}");
    assertThat(settings.port()).isEqualTo(4222);
    assertThat(settings.subjects()).isEmpty();
    assertThat(settings.durable()).isEqualTo("herald");
    assertThat(settings.ackWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.deliverNew()).isFalse();
    assertThat(settings.user()).isNull();
    assertThat(settings.token()).isNull();
  }

  @Test
  void repeatedSubjectsParametersAddUp() {
    assertThat(parse("nats://localhost?stream=S&subjects=a.>&subjects=b,c.*&topic=t").subjects())
        .containsExactly("a.>", "b", "c.*");
  }

  @Test
  void theNameHidesThePasswordAndTheToken() {
    Source withPassword = Sources.open("nats://app:s3cret@localhost?stream=S&topic=t");
    assertThat(withPassword.name()).isEqualTo("nats://app:***@localhost?stream=S&topic=t").doesNotContain("s3cret");
    Source withToken = Sources.open("nats://localhost?stream=S&token=t0ken&topic=t");
    assertThat(withToken.name()).doesNotContain("t0ken").contains("token=***");
    assertThat(parse("nats://app:s3cret@localhost?stream=S&topic=t").toString()).doesNotContain("s3cret");
    assertThat(parse("nats://localhost?stream=S&token=t0ken&topic=t").token()).isEqualTo("t0ken");
  }

  @Test
  void sourcesFindsTheConnectorByScheme() {
    assertThat(Sources.open("nats://localhost?stream=S&topic=t")).isInstanceOf(NatsSource.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "nats://localhost?topic=t | parameter 'stream' is required",
      "nats://localhost?stream=&topic=t | parameter 'stream' is required",
      "nats://localhost?stream=A.B&topic=t | parameter 'stream' must be a JetStream stream name",
      "nats://localhost?stream=A%20B&topic=t | parameter 'stream' must be a JetStream stream name",
      "nats://localhost?stream=A>&topic=t | parameter 'stream' must be a JetStream stream name",
      "nats://localhost?stream=S&durable=a.b&topic=t | parameter 'durable' must be a JetStream consumer name",
      "nats://localhost?stream=S&subjects=a.>.b&topic=t | parameter 'subjects' takes NATS subjects",
      "nats://localhost?stream=S&subjects=a..b&topic=t | parameter 'subjects' takes NATS subjects",
      "nats://localhost?stream=S&subjects=a.b*&topic=t | parameter 'subjects' takes NATS subjects",
      "nats://localhost?stream=S&subjects=a,&topic=t | parameter 'subjects' takes NATS subjects",
      "nats://localhost?stream=S&subjects=a%20b&topic=t | parameter 'subjects' takes NATS subjects",
      "nats://localhost?stream=S&ack_wait=500ms&topic=t | parameter 'ack_wait' must be from 1s to 12h",
      "nats://localhost?stream=S&ack_wait=soon&topic=t | parameter 'ack_wait' must be a duration",
      "nats://localhost?stream=S&deliver=last&topic=t | parameter 'deliver' must be all",
      "nats://u:p@localhost?stream=S&token=x&topic=t | give user:password@ or a token",
      "nats://u@localhost?stream=S&topic=t | a NATS user needs a password",
      "nats://localhost/ORDERS?stream=S&topic=t | a nats source URI has no path",
      "nats://localhost?stream=S | parameter 'topic'",
      "nats://localhost?stream=S&topic=https://example.com/{key} | unknown variable {key}",
      "nats://localhost?stream=S&topic=t&subject=a.b | unknown parameter subject",
      "nats://localhost?stream=S&topic=t&encoding=hex | parameter 'encoding' must be text or base64",
  })
  void aBadUriIsRefusedWithAMessageThatSaysWhy(String uri, String message) {
    assertThatThrownBy(() -> Sources.open(uri)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anErrorNeverShowsThePassword() {
    for (String uri : List.of("nats://app:s3cret@localhost?topic=t", "nats://app:s3cret@localhost?stream=S",
        "nats://app:s3cret@localhost?stream=S&topic=t&bogus=1", "nats://app:s3cret@localhost/x?stream=S&topic=t")) {
      assertThatThrownBy(() -> Sources.open(uri)).isInstanceOf(IllegalArgumentException.class)
          .message().doesNotContain("s3cret");
    }
  }
}
