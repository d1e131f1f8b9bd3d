package dev.herald.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis Cluster of a test's own: three primaries ({@code redis-server --cluster-enabled yes} on
 * free loopback ports, no persistence) joined by {@code redis-cli --cluster create}, waited for until
 * every slot is served. Needs {@code redis-cli} beside {@code redis-server} (Debian's redis-tools).
 */
final class RedisClusterGroup implements AutoCloseable {
  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private RedisClusterGroup(Path dir) {
    this.dir = dir;
  }

  static RedisClusterGroup start() throws IOException, InterruptedException {
    String server = RedisServer.require();
    Path cli = Path.of(server).resolveSibling("redis-cli");
    if (!Files.isExecutable(cli)) {
      String message = "no redis-cli beside " + server + "; install Debian's redis-tools";
      if ("1".equals(System.getenv("HERALD_REQUIRE_REDIS"))) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    RedisClusterGroup group = new RedisClusterGroup(Files.createTempDirectory("herald-redis-cluster"));
    try {
      for (int i = 0; i < 3; i++) {
        group.startNode(server, i);
      }
      List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
      for (int port : group.ports) {
        create.add("127.0.0.1:" + port);
      }
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      group.run(create);
      group.awaitAllSlotsServed(cli);
      return group;
    } catch (IOException | InterruptedException | RuntimeException e) {
      group.close();
      throw e;
    }
  }

  private void startNode(String server, int index) throws IOException, InterruptedException {
    int port = freePort();
    Path nodeDir = Files.createDirectories(dir.resolve("node" + index));
    Process process = new ProcessBuilder(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--cluster-enabled", "yes", "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
        "--cluster-node-timeout", "2000", "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no",
        "--daemonize", "no", "--logfile", nodeDir.resolve("redis.log").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    nodes.add(process);
    ports.add(port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!answers(port)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server did not start on port " + port + "; see " + nodeDir);
      }
      Thread.sleep(20);
    }
  }

  private static boolean answers(int port) {
    try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Until every node says every slot is served: a client that asks any of them then gets the whole map. */
  private void awaitAllSlotsServed(Path cli) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int port : ports) {
      while (true) {
        String info = run(List.of(cli.toString(), "-p", Integer.toString(port), "cluster", "info"));
        if (info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
            && info.contains("cluster_known_nodes:" + ports.size())) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the cluster did not become ready on port " + port + ": " + info);
        }
        Thread.sleep(100);
      }
    }
  }

  private String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code redis-cluster://} URI naming every node, as an operator would give it. */
  URI uri() {
    return uri("");
  }

  /** {@link #uri()} with {@code user:password@} (or any user info) before the first node. */
  URI uri(String userInfo) {
    StringBuilder hosts = new StringBuilder();
    for (int port : ports) {
      hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
    }
    return URI.create("redis-cluster://" + (userInfo.isEmpty() ? "" : userInfo + "@") + hosts);
  }

  /**
   * Makes {@code user} (with {@code password}, every key, channel and command) the only user of every
   * node: the default user is turned off, so nothing works without that user. The nodes talk to each
   * other on the cluster bus, which ACLs do not cover.
   */
  void onlyUser(String user, String password) throws IOException, InterruptedException {
    Path cli = Path.of(RedisServer.require()).resolveSibling("redis-cli");
    for (int port : ports) {
      run(List.of(cli.toString(), "-p", Integer.toString(port), "acl", "setuser", user, "on", ">" + password, "~*",
          "&*", "+@all"));
      run(List.of(cli.toString(), "-p", Integer.toString(port), "acl", "setuser", "default", "off"));
    }
  }

  List<Integer> ports() {
    return List.copyOf(ports);
  }

  @Override
  public void close() {
    for (Process node : nodes) {
      try {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
