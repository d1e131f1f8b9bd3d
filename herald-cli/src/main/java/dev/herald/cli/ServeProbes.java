package dev.herald.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code herald config check} tries of the machine a configuration would run on, beyond the
 * values themselves ({@link ServeCommand#configure}): that the port is free, that the data directory
 * can be created and written, that Redis answers a connection. Nothing is left behind: the port is
 * released at once, no directory is created, no Redis command is sent.
 */
final class ServeProbes {
  /** How long a Redis host has to accept a connection; a check should answer in seconds. */
  static final int CONNECT_TIMEOUT_MILLIS = 1000;

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
   * A Redis store's hosts (the server, the Sentinels or the Cluster's seeds): a problem when none
   * accepts a TCP connection within {@link #CONNECT_TIMEOUT_MILLIS}. Authentication is not tried.
   */
  static void redis(String store, Problems problems) {
    List<String> failures = new ArrayList<>();
    List<InetSocketAddress> hosts = redisHosts(store);
    for (InetSocketAddress host : hosts) {
      try (Socket socket = new Socket()) {
        socket.connect(host, CONNECT_TIMEOUT_MILLIS);
        return;
      } catch (IOException e) {
        failures.add(host.getHostString() + ":" + host.getPort() + " (" + e.getMessage() + ")");
      }
    }
    problems.add("Redis is unreachable: cannot connect to " + String.join(", ", failures) + " (--store "
        + maskedStore(store) + ")");
  }

  /** The hosts of a {@code redis://}, {@code redis-sentinel://} or {@code redis-cluster://} URI. */
  static List<InetSocketAddress> redisHosts(String store) {
    URI uri = URI.create(store);
    String authority = uri.getRawAuthority();
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    int defaultPort = uri.getScheme().contains("sentinel") ? 26379 : 6379;
    List<InetSocketAddress> hosts = new ArrayList<>();
    for (String host : authority.split(",")) {
      int colon = host.lastIndexOf(':');
      boolean port = colon > host.lastIndexOf(']');
      hosts.add(InetSocketAddress.createUnresolved(port ? host.substring(0, colon) : host,
          port ? Integer.parseInt(host.substring(colon + 1)) : defaultPort));
    }
    return hosts.stream().map(host -> new InetSocketAddress(host.getHostString().replaceAll("^\\[|\\]$", ""),
        host.getPort())).toList();
  }

  /** A Redis URI with the password of its user information masked. */
  static String maskedStore(String store) {
    return store.replaceFirst("(://[^:@/]*:)[^@/]*@", "$1***@");
  }
}
