package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.log.ActiveSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The presence registry of several hub nodes on one real redis-server: each registry instance is a
 * node. Expiry 900 ms (renewal and sweep every 300 ms) so that a dead node is noticed quickly.
 */
class RedisSubscriptionRegistryTest {
  private static final Duration EXPIRY = Duration.ofMillis(900);
  private RedisServer server;
  private RedisLogSettings settings;
  private final List<RedisSubscriptionRegistry> nodes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    settings = RedisLogSettings.of(server.uri(), 0, Duration.ZERO);
  }

  @AfterEach
  void stop() throws InterruptedException {
    nodes.forEach(RedisSubscriptionRegistry::close);
    server.close();
  }

  private RedisSubscriptionRegistry node() {
    RedisSubscriptionRegistry node = RedisSubscriptionRegistry.open(settings, EXPIRY);
    nodes.add(node);
    return node;
  }

  private static ActiveSubscription subscription(String selector, String subscriber, String payload) {
    return new ActiveSubscription(selector, "urn:uuid:" + subscriber, payload);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void everyNodeListsTheSubscriptionsOfEveryNodeWithTheirPayloads() {
    RedisSubscriptionRegistry first = node();
    RedisSubscriptionRegistry second = node();
    ActiveSubscription book = subscription("https://example.com/books/{id}", "a", "{\"user\":\"alice\"}");
    ActiveSubscription odd = subscription("line\nbreak é {x}", "a", null);
    ActiveSubscription other = subscription("*", "b", null);
    first.add(List.of(book, odd));
    second.add(List.of(other));

    assertThat(first.all()).containsExactlyInAnyOrder(book, odd, other);
    assertThat(second.all()).containsExactlyInAnyOrder(book, odd, other);
  }

  @Test
  void aRemovedSubscriptionIsNoLongerListedAnywhere() {
    RedisSubscriptionRegistry first = node();
    RedisSubscriptionRegistry second = node();
    ActiveSubscription kept = subscription("https://example.com/1", "a", null);
    ActiveSubscription ended = subscription("https://example.com/2", "a", null);
    first.add(List.of(kept, ended));

    first.remove(List.of(ended));

    assertThat(second.all()).containsExactly(kept);
  }

  @Test
  void aNodeThatStopsRenewingIsReportedOnceToExactlyOneOtherNode() throws Exception {
    RedisSubscriptionRegistry victim = node();
    ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
    for (String name : List.of("second", "third")) {
      node().onOrphaned(orphans -> reports.add(name + " " + orphans));
    }
    ActiveSubscription first = subscription("https://example.com/1", "v", "{\"n\":1}");
    ActiveSubscription second = subscription("https://example.com/2", "v", "{\"n\":1}");
    victim.add(List.of(first, second));
    victim.onOrphaned(orphans -> reports.add("victim " + orphans));

    victim.close(); // stops renewing, its subscriptions left in Redis: as a kill -9 leaves them

    await("the victim's subscriptions were reported", () -> !reports.isEmpty());
    Thread.sleep(EXPIRY.toMillis() * 3); // several more sweeps of both survivors: a second report would be here
    assertThat(reports).hasSize(1);
    assertThat(reports.peek()).matches("(second|third) .*").contains(first.toString(), second.toString());
    assertThat(nodes.get(1).all()).isEmpty();
  }

  @Test
  void aLiveNodeIsNeverReported() throws Exception {
    RedisSubscriptionRegistry live = node();
    ConcurrentLinkedQueue<List<ActiveSubscription>> reports = new ConcurrentLinkedQueue<>();
    node().onOrphaned(reports::add);
    live.add(List.of(subscription("https://example.com/1", "a", null)));

    Thread.sleep(EXPIRY.toMillis() * 4); // past the expiry several times: only renewals keep it

    assertThat(reports).isEmpty();
    assertThat(nodes.get(1).all()).hasSize(1);
  }

  @Test
  void aNodeRestartedUnderANewIdHasItsFormerSubscriptionsReported() throws Exception {
    RedisSubscriptionRegistry before = node();
    ActiveSubscription former = subscription("https://example.com/1", "old", null);
    before.add(List.of(former));
    before.close();
    ConcurrentLinkedQueue<List<ActiveSubscription>> reports = new ConcurrentLinkedQueue<>();

    RedisSubscriptionRegistry after = node();
    after.onOrphaned(reports::add);

    assertThat(after.node()).isNotEqualTo(before.node());
    await("the former subscriptions were reported", () -> !reports.isEmpty());
    assertThat(reports.peek()).containsExactly(former);
  }

  @Test
  void aNodeRecordsItsSubscriptionsAgainWhenRedisLostThem() throws Exception {
    RedisSubscriptionRegistry first = node();
    RedisSubscriptionRegistry second = node();
    ActiveSubscription open = subscription("https://example.com/1", "a", "{}");
    first.add(List.of(open));

    server.restartWithoutData();

    await("the subscription is listed again", () -> {
      try {
        return second.all().contains(open);
      } catch (RuntimeException reconnecting) {
        return false;
      }
    });
  }

  @Test
  void onARedisClusterNodesListEachOthersSubscriptionsAndADeadNodeIsReported() throws Exception {
    try (RedisClusterGroup cluster = RedisClusterGroup.start()) {
      settings = new RedisLogSettings(cluster.uri(), "presence", 0, Duration.ZERO, Duration.ofSeconds(2));
      RedisSubscriptionRegistry victim = node();
      RedisSubscriptionRegistry survivor = node();
      ConcurrentLinkedQueue<List<ActiveSubscription>> reports = new ConcurrentLinkedQueue<>();
      survivor.onOrphaned(reports::add);
      ActiveSubscription open = subscription("https://example.com/1", "v", "{\"n\":1}");
      victim.add(List.of(open));
      assertThat(survivor.all()).containsExactly(open);

      victim.close();

      await("the dead node's subscription was reported", () -> !reports.isEmpty());
      assertThat(reports.peek()).containsExactly(open);
      nodes.forEach(RedisSubscriptionRegistry::close); // before the cluster goes
    }
  }

  @Test
  void aNodeClosedWithNoSubscriptionLeavesAndIsNeverReported() throws Exception {
    RedisSubscriptionRegistry leaving = node();
    ActiveSubscription ended = subscription("https://example.com/1", "a", null);
    leaving.add(List.of(ended));
    leaving.remove(List.of(ended));
    ConcurrentLinkedQueue<List<ActiveSubscription>> reports = new ConcurrentLinkedQueue<>();
    RedisSubscriptionRegistry staying = node();
    staying.onOrphaned(reports::add);

    leaving.close();

    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.uri().toString());
    try (var redis = client.connect()) {
      assertThat(redis.sync().zrange("{herald-subscriptions}:nodes", 0, -1)).containsExactly(staying.node());
    } finally {
      client.shutdown();
    }
    assertThat(reports).isEmpty();
  }
}
