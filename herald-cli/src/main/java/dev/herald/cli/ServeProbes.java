package dev.herald.cli;

import dev.herald.redis.RedisLogSettings;
import dev.herald.redis.RedisProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code herald config check} tries of the machine a configuration would run on, beyond the
 * values themselves ({@link ServeCommand#configure}): that the port is free, that the data directory
 * can be created and written, that Redis accepts the URI's credentials and answers. Nothing is left
 * behind: the port is released at once, no directory is created, Redis is only sent {@code PING}.
 */
final class ServeProbes {
  private ServeProbes() {
  }

  /** Binds {@code address} and releases it: a problem when another process holds it. */
  static void listen(InetSocketAddress address, Problems problems) {
    String name = address.getHostString() + ":" + address.getPort();
    if (address.isUnresolved()) {
      problems.add("cannot listen on " + name + ": cannot resolve the host name '" + address.getHostString() + "'");
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as the hub's server does: a port in TIME_WAIT is not in use
      socket.bind(address);
    } catch (IOException e) {
      problems.add("cannot listen on " + name + ": " + e.getMessage() + " (--listen; is another process using it?)");
    }
  }

  /**
   * The SQLite store's directory: an existing one must be a writable directory (a file is created in
   * it and deleted); a missing one needs its nearest existing parent to be a writable directory.
   */
  static void dataDirectory(Path directory, Problems problems) {
    Path absolute = directory.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      try {
        Files.delete(Files.createTempFile(absolute, ".herald-check", ".tmp"));
      } catch (IOException e) {
        problems.add("--data-dir " + directory + " is not writable: " + e.getClass().getSimpleName() + " "
            + e.getMessage());
      }
      return;
    }
    if (Files.exists(absolute)) {
      problems.add("--data-dir " + directory + " is not a directory");
      return;
    }
    Path parent = absolute.getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
      problems.add("--data-dir " + directory + " cannot be created: " + parent
          + (parent != null && !Files.isDirectory(parent) ? " is not a directory" : " is not writable"));
    }
  }

  /**
   * A Redis store: connects as the hub would (the Sentinels' primary, the Cluster's nodes, the URI's
   * user, password and TLS) and sends {@code PING}: a problem when Redis cannot be reached, names no
   * such primary or refuses the credentials, in the words {@code herald serve} would fail with.
   */
  static void redis(String store, Problems problems) {
    RedisLogSettings settings = RedisLogSettings.of(URI.create(store), 0, Duration.ZERO);
    RedisProbe.problem(settings).ifPresent(problem ->
        problems.add(problem + " (--store " + maskedStore(store) + ")"));
  }

  /** A Redis URI with the password of its user information masked. */
  static String maskedStore(String store) {
    return store.replaceFirst("(://[^:@/]*:)[^@/]*@", "$1***@");
  }
}
