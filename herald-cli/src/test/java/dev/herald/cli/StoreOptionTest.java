package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.Update;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store {@code herald serve} opens for its options: the recent cache in front of it, its bounds. */
class StoreOptionTest {
  @TempDir
  Path dir;

  private StoreOption sqlite(long cacheBytes) {
    return StoreOption.check("sqlite", dir, "os", 100, 0, Duration.ZERO, "herald", cacheBytes);
  }

  @Test
  void sqliteIsOpenedBehindARecentCacheByDefault() {
    try (EventLog log = StoreOption.check("sqlite", dir, "os", 100, 0, Duration.ZERO, "herald").open()) {
      assertThat(log).isInstanceOf(RecentCache.class);
    }
  }

  @Test
  void aCacheSizeOfZeroOpensTheStoreWithoutACache() {
    try (EventLog log = sqlite(0).open()) {
      assertThat(log).isInstanceOf(SqliteEventLog.class);
    }
  }

  @Test
  void aSubscriptionsExpiryUnderASecondIsRefusedNamingTheOption() {
    StoreOption redis = StoreOption.check("redis://127.0.0.1:1", dir, "os", 100, 0, Duration.ZERO, "herald");
    redis.sharePresence(dev.herald.hub.Hub.builder(), Duration.ofSeconds(1)); // opens nothing yet

    assertThatIllegalArgumentException().isThrownBy(() -> redis.sharePresence(dev.herald.hub.Hub.builder(),
        Duration.ofMillis(999))).withMessageContaining("--subscriptions-expiry must be at least 1s");
  }

  @Test
  void aNegativeCacheSizeIsRefusedNamingTheOption() {
    assertThatIllegalArgumentException().isThrownBy(() -> sqlite(-1)).withMessageContaining("--cache-size");
  }

  @Test
  void theMemoryStoreKeepsTheRetainedCountAndBytes() {
    try (EventLog log = StoreOption.check("memory", dir, "os", 1000, 5_000, Duration.ZERO, "herald").open()) {
      assertThat(log).isInstanceOf(MemoryEventLog.class);
      assertThat(log.stats().retention().maxEvents()).isEqualTo(1000);
      assertThat(log.stats().retention().maxBytes()).isEqualTo(5_000);
      for (int i = 0; i < 20; i++) {
        log.append(List.of(new Update(null, List.of("t"), "x".repeat(1000), false, null, null)));
      }
      assertThat(log.stats().contentBytes()).isLessThanOrEqualTo(5_000);
    }
  }

  @Test
  void aSentinelStoreIsDescribedWithItsSentinelsUserAndMasterButNotItsPassword() {
    StoreOption store = StoreOption.check("redis-sentinel://herald:pw@10.0.0.1:26379,10.0.0.2:26379#mymaster", dir, "os",
        100, 0, Duration.ZERO, "herald").withRedisMinReplicas(1);

    assertThat(store.describe())
        .isEqualTo("redis-sentinel://herald:***@10.0.0.1:26379,10.0.0.2:26379#mymaster prefix=herald min_replicas=1");
  }

  @Test
  void minReplicasAreRefusedForAStoreThatIsNotRedisAndWhenNegative() {
    assertThatIllegalArgumentException().isThrownBy(() -> sqlite(0).withRedisMinReplicas(1))
        .withMessageContaining("--redis-min-replicas applies to a Redis store");
    assertThatIllegalArgumentException().isThrownBy(() -> StoreOption.check("redis://127.0.0.1:1", dir, "os", 100,
        0, Duration.ZERO, "herald").withRedisMinReplicas(-1)).withMessageContaining("must not be negative");
  }

  @Test
  void aSentinelUriWithoutMasterNameIsRefusedNamingTheOption() {
    assertThatIllegalArgumentException().isThrownBy(() -> StoreOption.check("redis-sentinel://127.0.0.1:26379", dir,
        "os", 100, 0, Duration.ZERO, "herald")).withMessageStartingWith("--store: ")
        .withMessageContaining("#<master name>");
  }

  @Test
  void aClusterStoreIsDescribedWithItsSeedNodesButNotItsPassword() {
    StoreOption store = StoreOption.check("redis-cluster://:pw@10.0.0.1:7000,10.0.0.2:7001", dir, "os", 100, 0,
        Duration.ZERO, "herald");

    assertThat(store.describe()).startsWith("redis-cluster://:***@10.0.0.1:7000,10.0.0.2:7001 ").doesNotContain("pw");
  }

  @Test
  void aClusterStoreRefusesWhatAClusterCannotHave() {
    assertThatIllegalArgumentException().isThrownBy(() -> StoreOption.check("redis-cluster://10.0.0.1:7000/3", dir,
        "os", 100, 0, Duration.ZERO, "herald")).withMessageContaining("only database 0");
    assertThatIllegalArgumentException().isThrownBy(() -> StoreOption.check("redis-cluster://10.0.0.1:7000", dir,
        "os", 100, 0, Duration.ZERO, "herald").withRedisMinReplicas(1)).withMessageContaining("Cluster");
    assertThatIllegalArgumentException().isThrownBy(() -> StoreOption.check("redis-cluster://,", dir,
        "os", 100, 0, Duration.ZERO, "herald")).withMessageContaining("seed nodes");
  }
}
