package dev.herald.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} process of a test's own, on a free loopback port, with append-only
 * persistence in a temporary directory so that a stop and start keeps the data (as production
 * should). Found through {@code HERALD_REDIS_SERVER} or the PATH; without one the test is skipped,
 * unless {@code HERALD_REQUIRE_REDIS=1} (set by {@code .ci/run}) makes that a failure.
 */
public final class RedisServer implements AutoCloseable {
  private final String binary;
  private final int port;
  private final Path dir;
  private final String password;
  private final List<String> users;
  private Process process;

  private RedisServer(String binary, int port, Path dir, String password, List<String> users) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.password = password;
    this.users = users;
  }

  /** Starts a new server and waits until it answers PING. */
  public static RedisServer start() throws IOException, InterruptedException {
    return start(null);
  }

  /** Starts a new server that requires {@code password} (null: none). */
  public static RedisServer start(String password) throws IOException, InterruptedException {
    RedisServer server = new RedisServer(require(), freePort(), Files.createTempDirectory("herald-redis"), password,
        List.of());
    server.startProcess();
    return server;
  }

  /**
   * Starts a new server whose only user is the ACL user {@code user} with {@code password}, allowed
   * every key, channel and command: the default user is off, so nothing works without that user.
   */
  public static RedisServer startWithUser(String user, String password) throws IOException, InterruptedException {
    RedisServer server = new RedisServer(require(), freePort(), Files.createTempDirectory("herald-redis"), null,
        List.of("--user", "default", "off", "--user", user, "on", ">" + password, "~*", "&*", "+@all"));
    server.startProcess();
    return server;
  }

  /** The redis-server binary; skips (or fails, when required) the calling test if there is none. */
  public static String require() {
    String configured = System.getenv("HERALD_REDIS_SERVER");
    List<String> candidates = configured != null && !configured.isBlank() ? List.of(configured)
        : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");
    for (String candidate : candidates) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    String message = "no redis-server found (tried " + candidates + "); install Debian's redis-server"
        + " package or set HERALD_REDIS_SERVER";
    if ("1".equals(System.getenv("HERALD_REQUIRE_REDIS"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Stops the server cleanly (SIGTERM: it writes its append-only file) and waits. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts the stopped server again on the same port with the same data. */
  public void restart() throws IOException, InterruptedException {
    stop();
    startProcess();
  }

  /**
   * Starts the stopped server again on the same port with none of its data, as a Redis without
   * persistence comes back after a crash.
   */
  public void restartWithoutData() throws IOException, InterruptedException {
    stop();
    try (var files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!file.getFileName().toString().equals("redis.log")) {
          deleteTree(file);
        }
      }
    }
    startProcess();
  }

  private static void deleteTree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path path : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }

  private void startProcess() throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
        "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    command.addAll(users);
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
      }
      Thread.sleep(20);
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      String answer = new String(reply, StandardCharsets.US_ASCII);
      // With a password or users, an unauthenticated PING is refused (-NOAUTH): that still means it is up.
      return answer.startsWith("+PONG") || (password != null || !users.isEmpty()) && answer.startsWith("-NOAUTH");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the OS cleans up
    }
  }
}
