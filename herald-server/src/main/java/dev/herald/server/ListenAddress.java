package dev.herald.server;

import java.net.InetSocketAddress;

/**
 * The address a server listens on, as users write it: {@code HOST:PORT}, {@code :PORT} or
 * {@code *:PORT} (all interfaces), {@code [IPv6]:PORT}. Port 0 picks a free port.
 */
public final class ListenAddress {
  private ListenAddress() {
  }

  /**
   * The address {@code value} names; the host is not resolved (an unknown name fails at bind).
   *
   * @throws IllegalArgumentException when it is not {@code HOST:PORT} with a port from 0 to 65535
   */
  public static InetSocketAddress parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(value);
    }
    String host = value.substring(0, colon).trim();
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      throw invalid(value);
    }
    if (port < 0 || port > 65535) {
      throw invalid(value);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() || host.equals("*") ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException("'" + value + "' is not HOST:PORT (e.g. :8080, 127.0.0.1:8080, [::1]:8080)");
  }
}
