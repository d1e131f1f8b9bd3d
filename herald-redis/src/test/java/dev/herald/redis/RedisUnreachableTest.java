package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.IdGenerator;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A Redis (or Sentinel) that cannot be reached is named with the reason in words (no redis-server needed). */
class RedisUnreachableTest {
  @Test
  void refusedConnectionSaysCannotReachRedisAtHostAndPort() {
    // Nothing listens on port 1 of the loopback interface.
    RedisLogSettings settings = RedisLogSettings.of(URI.create("redis://127.0.0.1:1"), 0, Duration.ZERO);

    assertThatThrownBy(() -> RedisEventLog.open(settings, new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot reach Redis at 127.0.0.1:1: connection refused");
  }

  @Test
  void noReachableSentinelSaysSoNamingEverySentinel() {
    RedisLogSettings settings = RedisLogSettings.of(URI.create("redis-sentinel://127.0.0.1:1,127.0.0.1:2#mymaster"),
        0, Duration.ZERO);

    assertThatThrownBy(() -> RedisEventLog.open(settings, new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot reach any Redis Sentinel (127.0.0.1:1, 127.0.0.1:2): connection refused");
  }

  @Test
  void noReachableClusterNodeSaysSoNamingEveryNode() {
    RedisLogSettings settings = RedisLogSettings.of(java.net.URI.create("redis-cluster://127.0.0.1:1,127.0.0.1:2"), 0,
        java.time.Duration.ZERO);
    assertThatThrownBy(() -> RedisEventLog.open(settings, new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot reach any node of the Redis Cluster (127.0.0.1:1, 127.0.0.1:2)");
  }

  @Test
  void nettysNativeErrorCodeIsLeftOut() {
    Exception netty = new RuntimeException("wrapped",
        new ConnectException("finishConnect(..) failed with error(-113): Host is down"));

    assertThat(OpenError.connectProblem(netty)).isEqualTo("host is down");
    assertThat(OpenError.connectProblem(new RuntimeException("protocol error"))).isNull();
  }
}
