package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real three-primary Redis Cluster whose only user is an ACL user
 * ({@code redis-cluster://user:password@host:port,...}): that user opens every node the log needs; a
 * wrong password is refused in Redis's words, with the user named and the password not.
 */
class RedisClusterAclUserTest {
  private static RedisClusterGroup cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisClusterGroup.start();
    cluster.onlyUser("herald", "s3cret-pass");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theAclUserWritesAndReadsTheLog() {
    RedisLogSettings settings = RedisLogSettings.of(cluster.uri("herald:s3cret-pass"), 0, Duration.ZERO);
    try (RedisEventLog log = RedisEventLog.open(settings, new IdGenerator())) {
      log.append(List.of(new Update("first", List.of("t"), "x", false, null, null)));

      List<Entry> read = log.readAfterSequence(0, 10);
      assertThat(read).extracting(entry -> entry.update().id()).containsExactly("first");
    }
  }

  @Test
  void aWrongPasswordIsRefusedSayingSoWithoutThePassword() {
    RedisLogSettings settings = RedisLogSettings.of(cluster.uri("herald:wrong-pass"), 0, Duration.ZERO);
    assertThatThrownBy(() -> RedisEventLog.open(settings, new IdGenerator()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot use the Redis Cluster (herald:***@127.0.0.1:")
        .hasMessageEndingWith(": WRONGPASS invalid username-password pair or user is disabled.")
        .hasMessageNotContaining("wrong-pass");
  }
}
