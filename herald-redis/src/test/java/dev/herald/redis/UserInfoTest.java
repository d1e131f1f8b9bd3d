package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every Redis URI form takes {@code user:password@} (an ACL user) or {@code :password@} (the default
 * user), and writes it for messages with the user kept and the password masked.
 */
class UserInfoTest {
  private static String safe(String uri) {
    return RedisLogSettings.of(URI.create(uri), 0, Duration.ZERO).safeUri();
  }

  @Test
  void aStandaloneUriKeepsTheUserAndMasksThePassword() {
    assertThat(safe("redis://herald:s3cret@10.0.0.1:6379/2")).isEqualTo("redis://herald:***@10.0.0.1:6379/2");
    assertThat(safe("rediss://herald:s3cret@10.0.0.1:6380")).isEqualTo("rediss://herald:***@10.0.0.1:6380");
  }

  @Test
  void theDefaultUsersPasswordIsMaskedToo() {
    assertThat(safe("redis://:s3cret@10.0.0.1:6379")).isEqualTo("redis://:***@10.0.0.1:6379");
  }

  @Test
  void aUriWithoutCredentialsIsWrittenAsIs() {
    assertThat(safe("redis://10.0.0.1:6379")).isEqualTo("redis://10.0.0.1:6379");
  }

  @Test
  void aSentinelUriKeepsTheUserAndMasksThePassword() {
    assertThat(safe("redis-sentinel://herald:s3cret@10.0.0.1:26379,10.0.0.2:26379/1#mymaster"))
        .isEqualTo("redis-sentinel://herald:***@10.0.0.1:26379,10.0.0.2:26379/1#mymaster");
  }

  @Test
  void aClusterUriKeepsTheUserAndMasksThePassword() {
    assertThat(safe("redis-cluster://herald:s3cret@10.0.0.1:7000,10.0.0.2:7001"))
        .isEqualTo("redis-cluster://herald:***@10.0.0.1:7000,10.0.0.2:7001");
  }

  @Test
  void everyClusterSeedCarriesTheUserAndItsDecodedPassword() {
    for (RedisURI seed : ClusterUri.seeds(URI.create("redis-cluster://herald:p%40ss@10.0.0.1:7000,10.0.0.2:7001"))) {
      var credentials = seed.getCredentialsProvider().resolveCredentials().block();
      assertThat(credentials.getUsername()).isEqualTo("herald");
      assertThat(new String(credentials.getPassword())).isEqualTo("p@ss");
    }
  }

  @Test
  void aPasswordAloneIsTheDefaultUsers() {
    assertThat(UserInfo.of(URI.create("redis://:s3cret@h:6379"))).extracting(UserInfo::user, UserInfo::password)
        .containsExactly(null, "s3cret");
  }

  @Test
  void theRecordNeverPrintsThePassword() {
    assertThat(UserInfo.of(URI.create("redis://herald:s3cret@h:6379")).toString()).doesNotContain("s3cret");
  }
}
