package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Spring Boot 3.5 pins Netty 4.1: the embedded hub refuses to start, and Spring Boot's failure report
 * names the cause and the one-line fix, instead of a NoClassDefFoundError from deep in Netty.
 */
@ExtendWith(OutputCaptureExtension.class)
class NettyOverrideMissingTest {
  @Test
  void theApplicationFailsToStartNamingNettyAndTheFix(CapturedOutput output) {
    assertThatThrownBy(() -> SpringApplication.run(OrdersApplication.class, "--server.port=0",
        "--herald.embedded.enabled=true", "--herald.embedded.listen=127.0.0.1:0",
        "--herald.embedded.jwt-secret=a-secret-of-at-least-32-bytes-for-hs256!"))
        .hasRootCauseInstanceOf(dev.herald.spring.HeraldConfigurationException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("The embedded Herald hub needs Netty 4.2 or newer, but the classpath has netty-")
        .contains("<netty.version>").doesNotContain("NoClassDefFoundError");
  }

  @Test
  void withoutTheEmbeddedHubTheApplicationStartsOnNetty41() {
    try (var context = SpringApplication.run(OrdersApplication.class, "--server.port=0")) {
      assertThat(context.isRunning()).isTrue();
    }
  }
}
