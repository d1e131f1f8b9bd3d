package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code herald serve --log-format json} from the jar: JSON lines only, and never a token. */
class JsonLogsIT {
  private static final Pattern URL = Pattern.compile("\"url\":\"(http://[^\"]+)\"");

  @Test
  void everyLineIsJsonAndARefusedTokenIsNotLogged() throws Exception {
    Process hub = new ProcessBuilder(HubProcess.serveCommand("--listen", "127.0.0.1:0",
        "--store", "memory", "--jwt-secret", "json-logs-test-secret-long-enough!!!", "--log-format", "json"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new ArrayList<>();
    String forged = "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdfX0.c2VjcmV0LXNpZ25hdHVyZQ";
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(hub.getErrorStream(), StandardCharsets.UTF_8));
      String endpoint = CompletableFuture.supplyAsync(() -> readUntil(err, lines, URL)).get(30, TimeUnit.SECONDS);
      HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint))
          .header("Authorization", "Bearer " + forged)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=secret+payload")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      CompletableFuture.supplyAsync(() -> readUntil(err, lines, Pattern.compile("publish refused")))
          .get(30, TimeUnit.SECONDS);
      hub.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the stream being read
      CompletableFuture.runAsync(() -> err.lines().forEach(lines::add)).get(30, TimeUnit.SECONDS);
      assertThat(hub.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      hub.destroyForcibly();
    }

    assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).matches("\\{\"time\":\".*\\}"));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"msg\":\"hub started\""));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("reason=invalid_token"));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"msg\":\"hub stopped\""));
    assertThat(String.join("\n", lines)).doesNotContain(forged).doesNotContain("c2VjcmV0LXNpZ25hdHVyZQ")
        .doesNotContain("secret payload");
  }

  /** Reads lines into {@code lines} until one matches; returns the first group, or the line. */
  private static String readUntil(BufferedReader err, List<String> lines, Pattern pattern) {
    try {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        lines.add(line);
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher.groupCount() > 0 ? matcher.group(1) : line;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("the hub's log ended before " + pattern + ": " + lines);
  }
}
