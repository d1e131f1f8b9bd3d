package dev.herald.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceUriTest {
  @Test
  void partsAndPercentDecodedParameters() {
    SourceUri uri = SourceUri.parse("mqtt://user:pw@broker:1884/x?filter=sensors/%23&other=a%2Bb+c");
    assertThat(uri.scheme()).isEqualTo("mqtt");
    assertThat(uri.host()).isEqualTo("broker");
    assertThat(uri.port(1883)).isEqualTo(1884);
    assertThat(uri.path()).isEqualTo("x");
    assertThat(uri.user()).isEqualTo("user");
    assertThat(uri.password()).isEqualTo("pw");
    assertThat(uri.required("filter")).isEqualTo("sensors/#");
    assertThat(uri.required("other")).isEqualTo("a+b+c");
  }

  @Test
  void theDefaultPortWhenNoneIsGiven() {
    assertThat(SourceUri.parse("kafka://localhost").port(9092)).isEqualTo(9092);
  }

  @Test
  void repeatedParametersAreKeptInOrder() {
    assertThat(SourceUri.parse("kafka://h?topic=a&topic=b").values("topic")).containsExactly("a", "b");
  }

  @Test
  void aParameterNobodyReadIsAnError() {
    SourceUri uri = SourceUri.parse("kafka://h?topics=a&grup=x");
    uri.required("topics");
    uri.optional("group");
    assertThatThrownBy(uri::requireAllUsed).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter grup")
        .hasMessageContaining("takes group, topics");
  }

  @Test
  void aFragmentIsAnErrorThatSaysHowToWriteAHash() {
    assertThatThrownBy(() -> SourceUri.parse("mqtt://h?filter=sensors/#")).hasMessageContaining("%23");
  }

  @Test
  void aUriWithoutHostIsAnError() {
    assertThatThrownBy(() -> SourceUri.parse("orders")).hasMessageContaining("scheme://host");
  }

  @Test
  void passwordsAreRedacted() {
    SourceUri uri = SourceUri.parse("amqp://guest:secret@h/vhost?queue=q&password=p2");
    assertThat(uri.redacted()).isEqualTo("amqp://guest:***@h/vhost?queue=q&password=***");
    assertThat(uri.toString()).doesNotContain("secret").doesNotContain("p2");
  }

  @Test
  void typedParametersWithClearErrors() {
    SourceUri uri = SourceUri.parse("x://h?n=5&d=250ms&b=on&bad=7x");
    assertThat(uri.integer("n", 1, 1, 10)).isEqualTo(5);
    assertThat(uri.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(uri.bool("b", false)).isTrue();
    assertThat(uri.integer("absent", 3, 1, 10)).isEqualTo(3);
    assertThatThrownBy(() -> uri.integer("bad", 1, 1, 10)).hasMessageContaining("whole number from 1 to 10");
    assertThatThrownBy(() -> uri.duration("bad", Duration.ZERO)).hasMessageContaining("duration");
    assertThatThrownBy(() -> uri.bool("bad", false)).hasMessageContaining("true or false");
  }

  @Test
  void aRequiredParameterMustBeGiven() {
    assertThatThrownBy(() -> SourceUri.parse("x://h").required("queue"))
        .hasMessage("parameter 'queue' is required in x://h");
  }

  @Test
  void aParameterGivenTwiceWhereOneIsExpectedIsAnError() {
    assertThatThrownBy(() -> SourceUri.parse("x://h?queue=a&queue=b").optional("queue")).hasMessageContaining("2 times");
  }

  @Test
  void aBrokenEscapeIsAnError() {
    assertThatThrownBy(() -> SourceUri.parse("x://h?q=100%25%")).hasMessageContaining("escape");
  }
}
