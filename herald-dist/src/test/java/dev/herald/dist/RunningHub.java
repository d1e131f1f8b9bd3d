package dev.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A hub started from the distribution as a separate process (its output in a file), stopped with
 * SIGTERM and its whole process tree, and the publish-and-receive round trip every test makes.
 */
final class RunningHub implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final int port;
  private final Process process;
  private final Path log;

  private RunningHub(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with exactly {@code environment} and waits until /healthz answers 200. */
  static RunningHub start(List<String> command, Map<String, String> environment, Path log, int port)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    RunningHub hub = new RunningHub(port, builder.start(), log);
    hub.awaitHealthy();
    return hub;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  private void awaitHealthy() throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      assertThat(process.isAlive()).as("the hub is running; it printed:%n%s", output()).isTrue();
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the hub did not answer /healthz in 60 s; it printed:\n" + output());
  }

  /**
   * Subscribes to a topic and publishes one update, both with {@code token}, and returns the
   * {@code data:} line the subscriber received.
   */
  String publishAndReceive(String token, String topic, String data) throws Exception {
    HttpRequest subscribe = HttpRequest.newBuilder(uri("/.well-known/mercure?topic=" + topic))
        .header("Authorization", "Bearer " + token).build();
    HttpResponse<InputStream> stream = HTTP.send(subscribe, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).as("subscribe status").isEqualTo(200);
    try (InputStream body = stream.body();
         Stream<String> lines = new java.io.BufferedReader(
             new java.io.InputStreamReader(body, StandardCharsets.UTF_8)).lines()) {
      Iterator<String> iterator = lines.iterator();
      // The hub writes a comment at once: once it arrives, the subscription is registered.
      assertThat(iterator.next()).startsWith(":");
      HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(uri("/.well-known/mercure"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("topic=" + topic + "&data=" + data)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).as("publish status: %s", published.body()).isEqualTo(200);
      CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
        while (iterator.hasNext()) {
          String line = iterator.next();
          if (line.startsWith("data:")) {
            return line;
          }
        }
        return null;
      });
      return received.get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws java.util.concurrent.ExecutionException {
    // The hub may run under runuser or setpriv: end the java process too, not only the wrapper.
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(20, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        handle.destroyForcibly();
      } catch (InterruptedException e) {
        handle.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
