package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Redis that requires a password: the URI's password opens it; a wrong one is refused, unprinted. */
class RedisAuthTest {
  private static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start("s3cret-pass");
  }

  @AfterAll
  static void stop() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  private static URI uri(String password) {
    return URI.create("redis://:" + password + "@127.0.0.1:" + redis.port());
  }

  @Test
  void thePasswordInTheUriOpensTheLog() {
    try (RedisEventLog log = RedisEventLog.open(RedisLogSettings.of(uri("s3cret-pass"), 0, Duration.ZERO),
        new IdGenerator())) {
      log.append(List.of(new Update(null, List.of("t"), "x", false, null, null)));
      assertThat(log.lastSequence()).isEqualTo(1);
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutBeingPrinted() {
    assertThatThrownBy(() -> RedisEventLog.open(RedisLogSettings.of(uri("wrong-pass"), 0, Duration.ZERO),
        new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis://:***@127.0.0.1:" + redis.port())
        .hasMessageNotContaining("wrong-pass");
  }
}
