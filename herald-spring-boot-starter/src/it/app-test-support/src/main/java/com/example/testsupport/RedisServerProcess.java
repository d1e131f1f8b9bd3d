package com.example.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A redis-server of the test's own on a free port, keeping nothing on disk. */
public final class RedisServerProcess implements AutoCloseable {
  private final Process process;
  public final int port;

  private RedisServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static RedisServerProcess start() throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      if ("1".equals(System.getenv("HERALD_REQUIRE_REDIS"))) {
        throw new AssertionError("no redis-server (apt-get install redis-server)");
      }
      Assumptions.abort("no redis-server (apt-get install redis-server)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("redis");
    Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    for (int attempt = 0; attempt < 100; attempt++) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return new RedisServerProcess(process, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not start on port " + port);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
