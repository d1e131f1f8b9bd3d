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

/**
 * {@code herald serve} with nothing configuring authentication: it warns that this is development
 * mode and prints a {@code herald token} command line that really mints tokens for the generated
 * secret, so the README's quick start (subscribe, then publish with a token) works as printed.
 */
class DevelopmentModeIT {
  private static final Pattern TOKEN_COMMAND = Pattern.compile("\\./herald token (--jwt-secret=\\S+) "
      + "--publish '\\*' --subscribe '\\*'");
  private static final Pattern URL = Pattern.compile("url=(http://\\S+)");

  @Test
  void developmentModeIsAnnouncedWithAWorkingTokenCommand() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(HubProcess.serveCommand(
        "--listen", "127.0.0.1:0", "--store", "memory")).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.startsWith("HERALD_")); // nothing configured
    Process hub = builder.start();
    try {
      List<String> lines = startLines(hub);
      String all = String.join("\n", lines);
      Matcher url = URL.matcher(all);
      Matcher tokenCommand = TOKEN_COMMAND.matcher(all);
      assertThat(url.find()).as(all).isTrue();
      assertThat(all).contains("level=WARN msg=\"development mode:", "allows anonymous subscribers",
          "DEVELOPMENT MODE");
      assertThat(tokenCommand.find()).as("a herald token command line in:%n%s", all).isTrue();

      Process token = new ProcessBuilder(HubProcess.java(), "-jar", HubProcess.jar(), "token",
          tokenCommand.group(1), "--publish", "*", "--subscribe", "*").start();
      assertThat(token.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String minted = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(token.exitValue()).as(new String(token.getErrorStream().readAllBytes())).isZero();

      HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.group(1)))
          .header("Authorization", "Bearer " + minted)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("topic=demo&data=hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    } finally {
      hub.destroy();
      hub.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** The stderr lines up to the end of the development-mode banner (its second rule), within 30 s. */
  private static List<String> startLines(Process hub) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(hub.getErrorStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    CompletableFuture.runAsync(() -> {
      try {
        int rules = 0;
        for (String line = err.readLine(); line != null && rules < 2; line = err.readLine()) {
          lines.add(line);
          rules += line.startsWith("=====") ? 1 : 0;
        }
      } catch (java.io.IOException ignored) {
        // the hub ended: the assertions say what was missing
      }
    }).get(30, TimeUnit.SECONDS);
    return lines;
  }
}
