package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.auth.Tokens;
import dev.herald.redis.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code herald serve --store redis://user:password@host:port} on a redis-server of the test's own
 * whose only user is an ACL user: the hub logs in as that user and says so without the password; a
 * wrong password ends the command with one line saying why, and {@code herald config check} reports
 * it before a hub is started.
 */
class RedisAclServeIT {
  private static final String SECRET = "redis-acl-it-secret-long-enough-123456";
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

  private static String store(String password) {
    return "redis://herald:" + password + "@127.0.0.1:" + redis.port();
  }

  @Test
  void theHubPublishesAsTheAclUserAndLogsTheUserWithoutThePassword() throws Exception {
    try (HubProcess hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", store("s3cret-pass"),
        "--jwt-secret", SECRET)) {
      String token = Tokens.hmac(SECRET, List.of("*"), List.of(), Duration.ofHours(1), Instant.now());
      HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.endpoint))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("topic=acl&data=hello&id=acl-1")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
      assertThat(hub.log()).contains("redis://herald:***@127.0.0.1:" + redis.port()).doesNotContain("s3cret-pass");
    }
  }

  @Test
  void aWrongPasswordEndsServeWithOneLineSayingWhy() throws Exception {
    Process serve = new ProcessBuilder(HubProcess.serveCommand("--listen", "127.0.0.1:0", "--store",
        store("wrong-pass"), "--jwt-secret", SECRET)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    serve.getOutputStream().close();
    String stderr = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve ended").isTrue();
    assertThat(serve.exitValue()).as(stderr).isEqualTo(1);
    assertThat(stderr).contains("herald: cannot use Redis at redis://herald:***@127.0.0.1:" + redis.port()
        + ": WRONGPASS invalid username-password pair or user is disabled")
        .doesNotContain("wrong-pass", "Exception", "\tat ");
  }

  @Test
  void configCheckReportsAWrongPasswordInRedissWords() {
    StringWriter out = new StringWriter();

    int code = Herald.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(),
        "config", "check", "--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", store("wrong-pass"));

    assertThat(code).as(out.toString()).isEqualTo(2);
    assertThat(out.toString()).contains("cannot use Redis at redis://herald:***@127.0.0.1:" + redis.port()
        + ": WRONGPASS invalid username-password pair or user is disabled").doesNotContain("wrong-pass");
  }

  @Test
  void configCheckAcceptsTheAclUsersPassword() {
    StringWriter out = new StringWriter();

    int code = Herald.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(),
        "config", "check", "--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", store("s3cret-pass"));

    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString()).contains("redis://herald:***@127.0.0.1:" + redis.port()).doesNotContain("s3cret-pass");
  }
}
