package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.IdGenerator;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The hub binds its port before it opens its event log, and gives the port back if the log fails. */
class HubStartTest {
  private static Hub.Builder builder(int port) {
    return Hub.builder().listen(new InetSocketAddress("127.0.0.1", port)).jwtSecret(HubFixture.SECRET);
  }

  @Test
  void aHubThatCannotListenNeverOpensItsLog() throws Exception {
    AtomicBoolean opened = new AtomicBoolean();
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> builder(taken.getLocalPort()).eventLog(() -> {
        opened.set(true);
        return new MemoryEventLog(10, new IdGenerator());
      }).start()).isNotNull();
    }
    assertThat(opened).as("the log opener ran although the port was taken").isFalse();
  }

  @Test
  void aLogThatCannotBeOpenedFailsTheStartAndFreesThePort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }

    assertThatThrownBy(() -> builder(port).eventLog(() -> {
      throw new IllegalStateException("another hub holds this data directory");
    }).start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("another hub");

    try (Hub hub = builder(port).start()) {
      assertThat(hub.address().getPort()).isEqualTo(port);
    }
  }
}
