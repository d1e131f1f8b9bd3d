package dev.herald.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A primary, its replicas and the Sentinels that watch it (quorum 2, down after 1 s), each a
 * {@code redis-server} process of the test's own on a free loopback port, without persistence (a
 * failover, not a restart, is what these tests exercise). {@link #start} returns once every Sentinel
 * knows every replica and the other Sentinels, so that a failover can be agreed on at once.
 */
final class SentinelGroup implements AutoCloseable {
  static final String MASTER = "mymaster";
  private static final long START_SECONDS = 30;

  private final String binary;
  private final Path dir;
  private final List<Node> servers = new ArrayList<>();
  private final List<Node> sentinels = new ArrayList<>();

  /** One process: its port, and the process while it runs. */
  private static final class Node {
    final int port;
    Process process;

    Node(int port) {
      this.port = port;
    }
  }

  private SentinelGroup(String binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
  }

  /** Starts a primary, {@code replicas} replicas and {@code sentinels} Sentinels, and waits until they know each other. */
  static SentinelGroup start(int replicas, int sentinels) throws IOException, InterruptedException {
    SentinelGroup group = new SentinelGroup(RedisServer.require(), Files.createTempDirectory("herald-sentinel"));
    try {
      group.startAll(replicas, sentinels);
      return group;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      group.close();
      throw e;
    }
  }

  private void startAll(int replicas, int sentinelCount) throws IOException, InterruptedException {
    Node primary = new Node(freePort());
    servers.add(primary);
    startServer(primary, null);
    for (int i = 0; i < replicas; i++) {
      Node replica = new Node(freePort());
      servers.add(replica);
      startServer(replica, primary.port);
    }
    for (Node replica : servers.subList(1, servers.size())) {
      await("replica " + replica.port + " in sync", () -> info(replica.port).contains("master_link_status:up"));
    }
    for (int i = 0; i < sentinelCount; i++) {
      Node sentinel = new Node(freePort());
      sentinels.add(sentinel);
      Path conf = dir.resolve("sentinel-" + sentinel.port + ".conf");
      Files.writeString(conf, String.join("\n",
          "port " + sentinel.port,
          "bind 127.0.0.1",
          "dir " + dir,
          "logfile " + dir.resolve("sentinel-" + sentinel.port + ".log"),
          "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port + " 2",
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 10000",
          "sentinel parallel-syncs " + MASTER + " 2", ""));
      sentinel.process = launch(List.of(binary, conf.toString(), "--sentinel"));
    }
    for (Node sentinel : sentinels) {
      await("sentinel " + sentinel.port + " knows the group", () -> {
        List<?> master = asList(call(sentinel.port, "SENTINEL", "MASTER", MASTER));
        return master != null && "2".equals(field(master, "quorum"))
            && Integer.toString(replicas).equals(field(master, "num-slaves"))
            && Integer.toString(sentinelCount - 1).equals(field(master, "num-other-sentinels"));
      });
    }
  }

  private void startServer(Node node, Integer primaryPort) throws IOException, InterruptedException {
    Path data = Files.createDirectories(dir.resolve("redis-" + node.port));
    List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(node.port), "--bind",
        "127.0.0.1", "--dir", data.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", data.resolve("redis.log").toString()));
    if (primaryPort != null) {
      command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)));
    }
    node.process = launch(command);
    await("redis-server on " + node.port, () -> "PONG".equals(call(node.port, "PING")));
  }

  private static Process launch(List<String> command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,...#mymaster}. */
  URI uri() {
    List<String> hosts = new ArrayList<>();
    for (Node sentinel : sentinels) {
      hosts.add("127.0.0.1:" + sentinel.port);
    }
    return URI.create("redis-sentinel://" + String.join(",", hosts) + "#" + MASTER);
  }

  /** The port of the primary as the first Sentinel that answers names it. */
  int primaryPort() {
    for (Node sentinel : sentinels) {
      List<?> address = asList(call(sentinel.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER));
      if (address != null && address.size() == 2) {
        return Integer.parseInt((String) address.get(1));
      }
    }
    throw new IllegalStateException("no Sentinel names a primary");
  }

  /** Kills the current primary with SIGKILL (nothing flushed, connections reset) and returns its port. */
  int killPrimary() throws InterruptedException {
    int port = primaryPort();
    for (Node server : servers) {
      if (server.port == port) {
        server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return port;
      }
    }
    throw new IllegalStateException("the primary on port " + port + " is not one of this group's servers");
  }

  /** Waits (bounded) until the Sentinels name a primary other than {@code oldPort} that accepts writes. */
  int awaitNewPrimary(int oldPort) throws InterruptedException {
    await("a new primary", () -> {
      int port = primaryPort();
      return port != oldPort && info(port).contains("role:master");
    });
    return primaryPort();
  }

  /** The {@code id} field of every entry of {@code stream} on the server at {@code port}, in order. */
  static List<String> eventIds(int port, String stream) {
    List<String> ids = new ArrayList<>();
    for (Object entry : asList(call(port, "XRANGE", stream, "-", "+"))) {
      List<?> fields = asList(asList(entry).get(1));
      ids.add(field(fields, "id"));
    }
    return ids;
  }

  private static String info(int port) {
    Object reply = call(port, "INFO", "replication");
    return reply instanceof String text ? text : "";
  }

  /** The value after {@code name} in a flat name, value, ... reply. */
  private static String field(List<?> flat, String name) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (name.equals(flat.get(i))) {
        return String.valueOf(flat.get(i + 1));
      }
    }
    return null;
  }

  private static List<?> asList(Object reply) {
    return reply instanceof List<?> list ? list : null;
  }

  /**
   * One command on a fresh connection (2 s timeouts): strings, numbers, nested lists, null; an error
   * reply or an unreachable server is returned as a string starting with {@code -}.
   */
  static Object call(int port, String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      socket.setSoTimeout(2_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      return "-" + e.getMessage();
    }
  }

  private static Object read(InputStream in) throws IOException {
    String line = readLine(in);
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+', '-' -> {
        return line.charAt(0) == '-' ? line : rest;
      }
      case ':' -> {
        return Long.parseLong(rest);
      }
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          return null;
        }
        String value = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        in.readNBytes(2);
        return value;
      }
      case '*' -> {
        int count = Integer.parseInt(rest);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      }
      default -> throw new IOException("unexpected reply: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + START_SECONDS + " s for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    List<Node> all = new ArrayList<>(sentinels);
    all.addAll(servers);
    for (Node node : all) {
      if (node.process != null) {
        node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the OS cleans up
    }
  }
}
