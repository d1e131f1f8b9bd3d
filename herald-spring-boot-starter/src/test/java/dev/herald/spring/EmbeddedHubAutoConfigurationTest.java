package dev.herald.spring;

import static dev.herald.spring.HeraldAutoConfigurationTest.SECRET;
import static dev.herald.spring.HeraldAutoConfigurationTest.rootCause;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.HubPublisher;
import dev.herald.hub.Hub;
import dev.herald.redis.RedisServer;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The hub inside the application ({@code herald.embedded.*}). */
class EmbeddedHubAutoConfigurationTest {
  private static final String TOPIC = "https://example.com/books/1";

  private final ApplicationContextRunner contexts = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class, EmbeddedHubAutoConfiguration.class,
          HubHealthAutoConfiguration.class))
      .withPropertyValues("herald.embedded.listen=127.0.0.1:0", "herald.embedded.ui=false");

  @Test
  void theEmbeddedHubServesAndItsPublisherPublishesToIt() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
        "herald.embedded.anonymous=true").run(context -> {
          assertThat(context).hasSingleBean(Hub.class).hasSingleBean(HubPublisher.class);
          String published;
          SseEvent received;
          try (EventIterator events = subscribe(context.getBean(Hub.class))) {
            published = context.getBean(HubPublisher.class).publish(TOPIC, "{\"title\":\"Dune\"}");
            received = events.poll(Duration.ofSeconds(10));
          }
          assertThat(received).isNotNull();
          assertThat(received.id()).isEqualTo(published);
          assertThat(received.data()).isEqualTo("{\"title\":\"Dune\"}");
        });
  }

  @Test
  void theHubStopsListeningWhenTheContextCloses() {
    int[] port = new int[1];
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET)
        .run(context -> {
          port[0] = context.getBean(Hub.class).address().getPort();
          assertThat(accepts(port[0])).isTrue();
        });
    assertThat(accepts(port[0])).isFalse();
  }

  @Test
  void withoutEnabledThereIsNoHub() {
    contexts.withPropertyValues("herald.embedded.jwt-secret=" + SECRET)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Hub.class));
  }

  @Test
  void enablingTheHubWithoutHeraldHubOnTheClasspathFailsNamingTheDependency() {
    contexts.withClassLoader(new FilteredClassLoader(Hub.class))
        .withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET).run(context -> {
          HeraldConfigurationException failure = failure(context);
          assertThat(failure).hasMessageContaining("dev.herald:herald-hub is not on the classpath");
          assertThat(failure.action()).contains("Add the dependency dev.herald:herald-hub");
        });
  }

  @Test
  void aRemoteHubsPublisherNeedsNoHubLibrary() {
    contexts.withClassLoader(new FilteredClassLoader("dev.herald.hub", "io.netty"))
        .withPropertyValues("herald.hub.url=http://127.0.0.1:9/.well-known/mercure", "herald.hub.jwt-secret=" + SECRET)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HubPublisher.class));
  }

  @Test
  void anEmbeddedHubWithoutCredentialsFailsNamingTheProperty() {
    contexts.withPropertyValues("herald.embedded.enabled=true").run(context -> {
      HeraldConfigurationException failure = failure(context);
      assertThat(failure).hasMessageContaining("no way to verify");
      assertThat(failure.action()).contains("herald.embedded.jwt-secret");
    });
  }

  @Test
  void aBadListenAddressFailsNamingIt() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
        "herald.embedded.listen=localhost").run(context ->
        assertThat(failure(context)).hasMessageContaining("herald.embedded").hasMessageContaining("HOST:PORT"));
  }

  @Test
  void aBusyPortFailsNamingTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
          "herald.embedded.listen=127.0.0.1:" + taken.getLocalPort()).run(context -> {
            HeraldConfigurationException failure = failure(context);
            assertThat(failure).hasMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(failure.action()).contains("herald.embedded.listen");
          });
    }
  }

  @Test
  void anUnknownStoreFailsNamingTheProperty() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
        "herald.embedded.store=postgres://localhost").run(context ->
        assertThat(failure(context)).hasMessageContaining("herald.embedded.store must be memory, sqlite or"));
  }

  @Test
  void redisMinReplicasWithAStoreThatIsNotRedisFailsNamingIt() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
        "herald.embedded.redis-min-replicas=1").run(context ->
        assertThat(failure(context)).hasMessageContaining("redis-min-replicas applies to a Redis store"));
  }

  @Test
  void aRoleWithoutCredentialsFailsNamingTheRole() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.publisher-jwt-secret=" + SECRET)
        .run(context -> assertThat(failure(context)).hasMessageContaining("subscribers' tokens"));
  }

  @Test
  void aHubThatVerifiesPublishersByAKeyHasNoPublisherBean() throws Exception {
    String pem = TestKeys.rsaPublicKeyPem();
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-key=" + pem).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Hub.class);
      assertThat(context).doesNotHaveBean(HubPublisher.class);
    });
  }

  @Test
  void theSqliteStoreKeepsUpdatesAcrossRestarts(@TempDir Path dataDir) {
    ApplicationContextRunner durable = contexts.withPropertyValues("herald.embedded.enabled=true",
        "herald.embedded.jwt-secret=" + SECRET, "herald.embedded.anonymous=true", "herald.embedded.store=sqlite",
        "herald.embedded.data-dir=" + dataDir);
    String[] published = new String[1];
    durable.run(context -> published[0] = context.getBean(HubPublisher.class).publish(TOPIC, "kept"));
    assertThat(Files.exists(dataDir.resolve("events.db"))).isTrue();
    durable.run(context -> assertThat(replayed(context)).isNotNull().satisfies(event -> {
      assertThat(event.id()).isEqualTo(published[0]);
      assertThat(event.data()).isEqualTo("kept");
    }));
  }

  @Test
  void aRedisStoreSharesTheLogBetweenTwoApplications() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      String prefix = "spring-" + UUID.randomUUID();
      ApplicationContextRunner shared = contexts.withPropertyValues("herald.embedded.enabled=true",
          "herald.embedded.jwt-secret=" + SECRET, "herald.embedded.anonymous=true",
          "herald.embedded.store=" + redis.uri(), "herald.embedded.redis-key-prefix=" + prefix);
      String[] published = new String[1];
      shared.run(context -> published[0] = context.getBean(HubPublisher.class).publish(TOPIC, "shared"));
      shared.run(context -> assertThat(replayed(context)).isNotNull()
          .satisfies(event -> assertThat(event.id()).isEqualTo(published[0])));
    }
  }

  @Test
  void withSubscriptionsOnARedisStoreEachApplicationListsTheOthersSubscriptions() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      ApplicationContextRunner shared = contexts.withPropertyValues("herald.embedded.enabled=true",
          "herald.embedded.jwt-secret=" + SECRET, "herald.embedded.anonymous=true",
          "herald.embedded.subscriptions=true", "herald.embedded.store=" + redis.uri(),
          "herald.embedded.redis-key-prefix=spring-" + UUID.randomUUID());
      shared.run(first -> shared.run(second -> {
        try (EventIterator events = subscribe(first.getBean(Hub.class))) {
          String listed = "";
          long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
          while (!listed.contains("\"topic\":\"" + TOPIC + "\"") && System.nanoTime() < deadline) {
            Thread.sleep(20); // recorded off the request path: soon, not at once
            listed = subscriptions(second.getBean(Hub.class));
          }
          assertThat(listed).contains("\"topic\":\"" + TOPIC + "\"");
        }
      }));
    }
  }

  @Test
  void theHealthIndicatorReportsTheHubUpWithDetails() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET)
        .run(context -> {
          var health = context.getBean(HubHealthIndicator.class).health(true);
          assertThat(health.getStatus().getCode()).isEqualTo("UP");
          assertThat(health.getDetails()).containsEntry("listening", true).containsEntry("store", "writable")
              .containsKey("url");
        });
  }

  @Test
  void theHealthIndicatorCanBeTurnedOff() {
    contexts.withPropertyValues("herald.embedded.enabled=true", "herald.embedded.jwt-secret=" + SECRET,
        "management.health.herald.enabled=false").run(context ->
        assertThat(context).hasSingleBean(Hub.class).doesNotHaveBean(HubHealthIndicator.class));
  }

  private static EventIterator subscribe(Hub hub) {
    return EventSource.builder(URI.create(hub.url() + "?topic=" + TOPIC)).lastEventId("earliest").iterator();
  }

  /** The body of {@code GET /.well-known/mercure/subscriptions} on {@code hub}, with a token for it. */
  private static String subscriptions(Hub hub) throws Exception {
    String token = dev.herald.hub.auth.Tokens.hmac(SECRET, java.util.List.of(),
        java.util.List.of("/.well-known/mercure/subscriptions"), Duration.ofHours(1), java.time.Instant.now());
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(hub.url() + "/subscriptions"))
            .header("Authorization", "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static SseEvent replayed(AssertableApplicationContext context) {
    try (EventIterator events = subscribe(context.getBean(Hub.class))) {
      return events.poll(Duration.ofSeconds(10));
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static HeraldConfigurationException failure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable cause = context.getStartupFailure();
    while (cause != null && !(cause instanceof HeraldConfigurationException)) {
      cause = cause.getCause();
    }
    assertThat(cause).as("a HeraldConfigurationException in %s", rootCause(context.getStartupFailure())).isNotNull();
    return (HeraldConfigurationException) cause;
  }
}
