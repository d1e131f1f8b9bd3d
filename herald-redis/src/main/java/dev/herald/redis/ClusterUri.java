package dev.herald.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code redis-cluster://[user:password@]host:port[,host:port...]} form ({@code rediss-cluster://}
 * for TLS): the seed nodes of a Redis Cluster, from which the client learns the whole topology; the
 * credentials open every node. Checked before anything connects, and written with its password
 * masked for messages.
 */
final class ClusterUri {
  static final String SCHEME = "redis-cluster";
  static final String TLS_SCHEME = "rediss-cluster";
  private static final int DEFAULT_PORT = 6379;

  private ClusterUri() {}

  static boolean is(URI uri) {
    return SCHEME.equals(uri.getScheme()) || TLS_SCHEME.equals(uri.getScheme());
  }

  /**
   * Checks that the URI names at least one node and nothing a Cluster cannot have (a database other
   * than 0, a fragment).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static void check(URI uri) {
    if (uri.getRawAuthority() == null || nodes(uri).isEmpty()) {
      throw new IllegalArgumentException("a redis-cluster:// URI names its seed nodes as host:port[,host:port...]"
          + " (got '" + safe(uri) + "')");
    }
    for (String node : nodes(uri)) {
      int colon = node.lastIndexOf(':');
      String host = colon < 0 ? node : node.substring(0, colon);
      String port = colon < 0 ? null : node.substring(colon + 1);
      if (host.isEmpty() || port != null && !validPort(port)) {
        throw new IllegalArgumentException("a Cluster node is host or host:port with a port from 1 to 65535 (got '"
            + node + "' in '" + safe(uri) + "')");
      }
    }
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
      throw new IllegalArgumentException("a Redis Cluster has only database 0 (got '" + safe(uri) + "')");
    }
    if (uri.getFragment() != null) {
      throw new IllegalArgumentException("a redis-cluster:// URI has no #fragment (got '" + safe(uri) + "')");
    }
  }

  /** The seed nodes as written, {@code host[:port]} each. */
  static List<String> nodes(URI uri) {
    String authority = uri.getRawAuthority();
    String hosts = authority.substring(authority.lastIndexOf('@') + 1);
    List<String> nodes = new ArrayList<>();
    for (String node : hosts.split(",", -1)) {
      if (!node.isBlank()) {
        nodes.add(node.strip());
      }
    }
    return nodes;
  }

  /** One Lettuce URI per seed node, each with the credentials and TLS of the whole. */
  static List<RedisURI> seeds(URI uri) {
    UserInfo credentials = UserInfo.of(uri);
    List<RedisURI> seeds = new ArrayList<>();
    for (String node : nodes(uri)) {
      int colon = node.lastIndexOf(':');
      RedisURI.Builder seed = RedisURI.builder()
          .withHost(colon < 0 ? node : node.substring(0, colon))
          .withPort(colon < 0 ? DEFAULT_PORT : Integer.parseInt(node.substring(colon + 1)))
          .withSsl(TLS_SCHEME.equals(uri.getScheme()));
      if (credentials.user() != null) {
        seed.withAuthentication(credentials.user(), credentials.password());
      } else if (credentials.password() != null) {
        seed.withPassword(credentials.password().toCharArray());
      }
      seeds.add(seed.build());
    }
    return seeds;
  }

  /** The URI with its password masked: {@code redis-cluster://herald:***@h1:7000,h2:7001}. */
  static String safe(URI uri) {
    String hosts = uri.getRawAuthority() == null ? "" : String.join(",", nodes(uri));
    return uri.getScheme() + "://" + UserInfo.of(uri).masked() + hosts;
  }

  private static boolean validPort(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int value = Integer.parseInt(port);
    return value >= 1 && value <= 65535;
  }
}
