package dev.herald.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** Reads {@code --listen} with {@link dev.herald.server.ListenAddress#parse}. */
final class ListenAddress implements CommandLine.ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    try {
      return dev.herald.server.ListenAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
