package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis whose only user is an ACL user ({@code redis://user:password@host:port}): that user opens
 * the log; a wrong password is refused in Redis's words, with the user named and the password not.
 */
class RedisAclUserTest {
  private static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.startWithUser("herald", "s3cret-pass");
  }

  @AfterAll
  static void stop() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  private static RedisLogSettings settings(String userInfo) {
    return RedisLogSettings.of(URI.create("redis://" + userInfo + "@127.0.0.1:" + redis.port()), 0, Duration.ZERO);
  }

  @Test
  void theAclUserWritesAndReadsTheLog() {
    try (RedisEventLog log = RedisEventLog.open(settings("herald:s3cret-pass"), new IdGenerator())) {
      log.append(List.of(new Update("first", List.of("t"), "x", false, null, null)));

      List<Entry> read = log.readAfterSequence(0, 10);
      assertThat(read).extracting(entry -> entry.update().id()).containsExactly("first");
    }
  }

  @Test
  void aWrongPasswordIsRefusedNamingTheUserButNotThePassword() {
    assertThatThrownBy(() -> RedisEventLog.open(settings("herald:wrong-pass"), new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot use Redis at redis://herald:***@127.0.0.1:" + redis.port() + ": ")
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining("wrong-pass");
  }

  @Test
  void thePasswordAloneIsTheDefaultUsersWhichIsOffHere() {
    assertThatThrownBy(() -> RedisEventLog.open(settings(":s3cret-pass"), new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot use Redis at redis://:***@127.0.0.1:" + redis.port() + ": ")
        .hasMessageNotContaining("s3cret-pass");
  }

  @Test
  void aPercentEncodedPasswordIsDecoded() throws Exception {
    try (RedisServer special = RedisServer.startWithUser("ops", "p@ss:w%rd");
        RedisEventLog log = RedisEventLog.open(RedisLogSettings.of(
            URI.create("redis://ops:p%40ss%3Aw%25rd@127.0.0.1:" + special.port()), 0, Duration.ZERO),
            new IdGenerator())) {
      log.append(List.of(new Update(null, List.of("t"), "x", false, null, null)));
      assertThat(log.lastSequence()).isEqualTo(1);
    }
  }
}
