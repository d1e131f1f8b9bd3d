package dev.herald.redis;

/**
 * Why {@link RedisEventLog#open} could not connect, in an operator's words: which Redis (or which
 * Sentinels, and which primary they name) and the reason ("connection refused", "no primary named
 * 'x'"), rather than Lettuce's and Netty's messages.
 */
final class OpenError {
  private OpenError() {
  }

  static String message(RedisLogSettings settings, Throwable e) {
    String unreachable = connectProblem(e);
    if (settings.cluster()) {
      String nodes = String.join(", ", ClusterUri.nodes(settings.uri()));
      String refused = loginProblem(e);
      if (refused != null) { // the nodes answered: "cannot reach" would send the operator the wrong way
        return "cannot use the Redis Cluster (" + UserInfo.of(settings.uri()).masked() + nodes + "): " + refused;
      }
      return unreachable != null || mentions(e, "Cannot retrieve")
          ? "cannot reach any node of the Redis Cluster (" + nodes + ")" + (unreachable != null ? ": " + unreachable : "")
          : "cannot use the Redis Cluster (" + nodes + "): " + RedisEventLog.rootMessage(e);
    }
    if (!settings.sentinel()) {
      return unreachable != null
          ? "cannot reach Redis at " + settings.uri().getHost() + ":"
              + (settings.uri().getPort() < 0 ? 6379 : settings.uri().getPort()) + ": " + unreachable
          : "cannot use Redis at " + settings.safeUri() + ": " + RedisEventLog.rootMessage(e);
    }
    String sentinels = SentinelUri.hosts(settings.uri());
    String master = settings.uri().getFragment();
    // Lettuce tells the cases apart only in its messages: no Sentinel answered, or none knows the name.
    if (mentions(e, "Cannot connect to a Redis Sentinel")) {
      return "cannot reach any Redis Sentinel (" + sentinels + ")" + (unreachable != null ? ": " + unreachable : "");
    }
    if (mentions(e, "Cannot provide redisAddress using sentinel for masterId")) {
      return "the Redis Sentinels (" + sentinels + ") know no primary named '" + master
          + "' (the name after # must be one they monitor)";
    }
    return unreachable != null
        ? "cannot reach the Redis primary '" + master + "' named by the Sentinels (" + sentinels + "): " + unreachable
        : "cannot use the Redis primary '" + master + "' named by the Sentinels (" + sentinels + "): "
            + RedisEventLog.rootMessage(e);
  }

  private static boolean mentions(Throwable e, String text) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Redis's refusal of the URI's credentials ({@code WRONGPASS ...}, {@code NOAUTH ...}), or null.
   * Lettuce's Cluster client reports each node's failure as a suppressed exception of its own.
   */
  static String loginProblem(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH"))) {
        return message;
      }
      for (Throwable suppressed : cause.getSuppressed()) {
        String found = loginProblem(suppressed);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Why the connection could not be made, in words ("connection refused", "unknown host"), or null
   * when it was made: Netty's own message ({@code finishConnect(..) failed with error(-111)}) is for
   * its developers.
   */
  static String connectProblem(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (cause instanceof java.net.ConnectException || cause instanceof java.net.NoRouteToHostException) {
        String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(java.util.Locale.ROOT);
        for (String known : new String[] {"connection refused", "no route to host", "network is unreachable",
            "timed out"}) {
          if (message.contains(known)) {
            return known.equals("timed out") ? "connection timed out" : known;
          }
        }
        return message.replaceFirst("^.*error\\(-?\\d+\\): ", "");
      }
    }
    return null;
  }
}
