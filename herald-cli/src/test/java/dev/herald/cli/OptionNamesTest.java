package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.Hub;
import dev.herald.server.HttpServer;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Builder names in error messages become the options a user typed. */
class OptionNamesTest {
  @Test
  void builderNamesBecomeOptionNames() {
    assertThat(OptionNames.inMessage("writeBufferHighWaterMark must be at least 1024: 0"))
        .isEqualTo("--write-buffer-limit must be at least 1024: 0");
    assertThat(OptionNames.inMessage("maxTopicsPerSubscription must be at least 1: 0"))
        .isEqualTo("--max-topics must be at least 1: 0");
    assertThat(OptionNames.inMessage("maxConnectionsPerAddress must be at least 0: -1"))
        .isEqualTo("--max-connections-per-ip must be at least 0: -1");
    assertThat(OptionNames.inMessage("corsOrigins: 'x' is not an origin")).isEqualTo("--cors-origin: 'x' is not an origin");
  }

  @Test
  void otherWordsAreLeftAlone() {
    assertThat(OptionNames.inMessage("TLS private key k.pem is encrypted")).isEqualTo("TLS private key k.pem is encrypted");
    assertThat(OptionNames.inMessage(null)).isNull();
  }

  @Test
  void everyMappedNameIsABuilderMethod() {
    // If a builder method is renamed, its errors would name it raw again: fail here instead.
    var methods = Stream.of(Hub.Builder.class.getMethods(), HttpServer.Builder.class.getMethods())
        .flatMap(Arrays::stream).map(Method::getName).toList();
    assertThat(methods).containsAll(OptionNames.OPTIONS.keySet());
  }

  @Test
  void everyMappedOptionIsAServeOption() {
    var options = picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(new ServeCommand()).optionsMap().keySet();
    assertThat(options).containsAll(OptionNames.OPTIONS.values());
  }
}
