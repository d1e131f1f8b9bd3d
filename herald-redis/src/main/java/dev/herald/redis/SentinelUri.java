package dev.herald.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code redis-sentinel://[user:password@]host:port[,host:port...][/db]#masterName} form
 * (Lettuce's; the credentials open the primary and replicas, the Sentinels are asked without them):
 * checked before anything connects, so that a typo is a usage error naming what is wrong rather than
 * a connection failure later, and written with its password masked for messages.
 */
final class SentinelUri {
  private static final int DEFAULT_PORT = 26379;

  private SentinelUri() {
  }

  /**
   * Checks that the URI names at least one Sentinel ({@code host[:port]}, comma-separated) and a master.
   *
   * @throws IllegalArgumentException saying what is missing or malformed
   */
  static void check(URI uri) {
    if (uri.getRawAuthority() == null || sentinels(uri).isEmpty()) {
      throw new IllegalArgumentException("a redis-sentinel:// URI names its Sentinels as host:port[,host:port...]"
          + " (got '" + safe(uri) + "')");
    }
    for (String sentinel : sentinels(uri)) {
      int colon = sentinel.endsWith("]") ? -1 : sentinel.lastIndexOf(':'); // [::1] has no port
      String host = colon < 0 ? sentinel : sentinel.substring(0, colon);
      String port = colon < 0 ? null : sentinel.substring(colon + 1);
      if (host.isEmpty() || port != null && !validPort(port)) {
        throw new IllegalArgumentException("a Sentinel is host or host:port with a port from 1 to 65535 (got '"
            + sentinel + "' in '" + safe(uri) + "')");
      }
    }
    if (uri.getFragment() == null || uri.getFragment().isBlank()) {
      throw new IllegalArgumentException("a redis-sentinel:// URI ends with #<master name>, the name the Sentinels"
          + " monitor the primary under (got '" + safe(uri) + "')");
    }
    try {
      RedisURI.create(uri);
    } catch (IllegalArgumentException e) { // what Lettuce refuses beyond the checks above (a bad database)
      throw new IllegalArgumentException("malformed redis-sentinel:// URI '" + safe(uri) + "': " + e.getMessage(), e);
    }
  }

  /** The Sentinels as written, {@code host[:port]} each. */
  static List<String> sentinels(URI uri) {
    String authority = uri.getRawAuthority();
    String hosts = authority.substring(authority.lastIndexOf('@') + 1);
    List<String> sentinels = new ArrayList<>();
    for (String sentinel : hosts.split(",", -1)) {
      if (!sentinel.isBlank()) {
        sentinels.add(sentinel.strip());
      }
    }
    return sentinels;
  }

  /** The URI with its password masked: {@code redis-sentinel://herald:***@h1:26379,h2:26379/0#mymaster}. */
  static String safe(URI uri) {
    String hosts = uri.getRawAuthority() == null ? "" : String.join(",", sentinels(uri));
    return uri.getScheme() + "://" + UserInfo.of(uri).masked() + hosts + (uri.getPath() == null ? "" : uri.getPath())
        + (uri.getFragment() == null ? "" : "#" + uri.getFragment());
  }

  /** The Sentinels with their default port filled in, for "cannot reach any of ...". */
  static String hosts(URI uri) {
    List<String> withPorts = new ArrayList<>();
    for (String sentinel : sentinels(uri)) {
      boolean port = !sentinel.endsWith("]") && sentinel.lastIndexOf(':') > 0;
      withPorts.add(port ? sentinel : sentinel + ":" + DEFAULT_PORT);
    }
    return String.join(", ", withPorts);
  }

  private static boolean validPort(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int value = Integer.parseInt(port);
    return value >= 1 && value <= 65535;
  }
}
