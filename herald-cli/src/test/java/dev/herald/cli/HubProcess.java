package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code herald serve} from the built jar in a child JVM, with the endpoint it logged on start. */
final class HubProcess implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("url=(https?://\\S+)");

  final Process process;
  final String endpoint;
  /** Everything the hub logged (stderr), for tests that look for what must never be logged. */
  private final StringBuffer log = new StringBuffer();

  private HubProcess(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** What the hub logged so far. */
  String log() {
    return log.toString();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String jar() {
    return Path.of("target", "herald.jar").toString();
  }

  /**
   * {@code java -XX:+ExitOnOutOfMemoryError -jar herald.jar serve OPTIONS}: a hub child runs with the
   * flag the launcher gives it, so a test hub that runs out of memory ends instead of hanging.
   */
  static List<String> serveCommand(String... options) {
    List<String> command = new ArrayList<>(List.of(java(), "-XX:+ExitOnOutOfMemoryError", "-jar", jar(), "serve"));
    command.addAll(List.of(options));
    return command;
  }

  /** Starts {@code herald serve} with these options and waits (up to 30 s) for its start line. */
  static HubProcess serve(String... options) throws Exception {
    return serve(List.of(), options);
  }

  /** {@link #serve(String...)} with JVM options, e.g. {@code -Xmx256m}, before the launcher's. */
  static HubProcess serve(List<String> jvmOptions, String... options) throws Exception {
    List<String> command = serveCommand(options);
    command.addAll(1, jvmOptions);
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    BufferedReader log = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    StringBuffer lines = new StringBuffer();
    String endpoint = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = log.readLine(); line != null; line = log.readLine()) {
          lines.append(line).append('\n');
          Matcher matcher = URL.matcher(line);
          if (matcher.find()) {
            return matcher.group(1);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      return null;
    }).get(30, TimeUnit.SECONDS);
    assertThat(endpoint).as("the hub started and logged its URL").isNotNull();
    HubProcess hub = new HubProcess(process, endpoint);
    hub.log.append(lines);
    Thread drain = new Thread(() -> {
      try {
        for (String line = log.readLine(); line != null; line = log.readLine()) {
          hub.log.append(line).append('\n');
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    return hub;
  }

  /** SIGTERM, then waits up to 20 s. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        process.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
