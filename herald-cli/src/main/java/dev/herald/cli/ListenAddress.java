package dev.herald.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** Reads {@code HOST:PORT}, {@code :PORT} (all interfaces) or {@code [IPv6]:PORT}. */
final class ListenAddress implements CommandLine.ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    return parse(value);
  }

  static InetSocketAddress parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(value);
    }
    String host = value.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
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

  private static CommandLine.TypeConversionException invalid(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not HOST:PORT (e.g. :8080, 127.0.0.1:8080, [::1]:8080)");
  }
}
