package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The redis-sentinel:// form is checked before anything connects, and its password stays out of messages. */
class SentinelUriTest {
  private static RedisLogSettings settings(String uri) {
    return RedisLogSettings.of(URI.create(uri), 0, Duration.ZERO);
  }

  @Test
  void severalSentinelsADatabaseAndAPasswordAreAccepted() {
    RedisLogSettings settings = settings("redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380,sentinel3/2#mymaster");

    assertThat(settings.sentinel()).isTrue();
    assertThat(settings.safeUri()).isEqualTo("redis-sentinel://:***@10.0.0.1:26379,10.0.0.2:26380,sentinel3/2#mymaster");
    assertThat(SentinelUri.hosts(settings.uri())).isEqualTo("10.0.0.1:26379, 10.0.0.2:26380, sentinel3:26379");
  }

  @Test
  void aUriWithoutMasterNameIsRefusedSayingHowToNameIt() {
    assertThatIllegalArgumentException().isThrownBy(() -> settings("redis-sentinel://127.0.0.1:26379"))
        .withMessageContaining("ends with #<master name>");
  }

  @Test
  void aUriWithoutSentinelsIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> settings("redis-sentinel:///0#mymaster"))
        .withMessageContaining("names its Sentinels as host:port");
  }

  @Test
  void aSentinelWithABadPortIsRefusedNamingIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> settings("redis-sentinel://127.0.0.1:26379,127.0.0.1:99999#mymaster"))
        .withMessageContaining("'127.0.0.1:99999'");
  }

  @Test
  void anUnknownSchemeNamesEveryForm() {
    assertThatIllegalArgumentException().isThrownBy(() -> settings("sentinel://127.0.0.1:26379#m"))
        .withMessageContaining("redis://, rediss://, redis-sentinel:// or redis-cluster://");
  }

  @Test
  void negativeMinReplicasAreRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> settings("redis://127.0.0.1:6379").withMinReplicas(-1))
        .withMessageContaining("must not be negative");
  }
}
