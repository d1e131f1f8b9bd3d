package dev.herald.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * A Netty I/O transport: its event loops and its server and client socket channels, which must
 * match. {@link #best()} is epoll on Linux when its native library loads (fewer system calls and
 * copies than NIO, and Linux socket options), else NIO, unless the system property
 * {@value #PROPERTY} names one; {@link HttpServer} uses it unless told otherwise, and so should a
 * client in the same process that wants the same (e.g. {@code herald bench}'s subscribers).
 *
 * <p>io_uring is chosen only when asked for: it submits a loop's socket writes together instead
 * of one system call each, which made a fan-out to 1,000 subscribers wait a fifth as long on the
 * development VM (docs/benchmarks.md), but container runtimes often forbid it by default.
 */
public enum Transport {
  /** Linux's epoll through Netty's native library. */
  EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class) {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return EpollIoHandler.newFactory();
    }
  },
  /** Linux's io_uring (kernel 5.14 or later) through Netty's native library; x86-64 only here. */
  IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class) {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      // A completion queue of Netty's default size (twice the ring) overflowed with 4,000
      // connections on one loop; overflow costs a slow path, not data, but is avoidable.
      return IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(4096).setCqSize(65536));
    }
  },
  /** Java's NIO selector: every platform. */
  NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class) {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return NioIoHandler.newFactory();
    }
  };

  private final String label;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends SocketChannel> socketChannel;

  Transport(String label, Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
    this.label = label;
    this.serverChannel = serverChannel;
    this.socketChannel = socketChannel;
  }

  /** The system property that names the transport {@link #best()} returns: {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}. */
  public static final String PROPERTY = "herald.transport";

  /**
   * The transport {@value #PROPERTY} names, else epoll where its native library loads (Linux), else
   * NIO.
   *
   * @throws IllegalArgumentException if the property names no transport, or one that cannot run here
   */
  public static Transport best() {
    return named(System.getProperty(PROPERTY, "auto"));
  }

  /**
   * The transport called {@code name} ({@code auto}: epoll where it loads, else NIO).
   *
   * @throws IllegalArgumentException for an unknown name, or a transport that cannot run here (why)
   */
  public static Transport named(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "auto", "" -> {
        return Epoll.isAvailable() ? EPOLL : NIO;
      }
      case "epoll" -> {
        requireAvailable(EPOLL, Epoll.isAvailable(), Epoll.unavailabilityCause());
        return EPOLL;
      }
      case "io_uring", "io-uring", "iouring" -> {
        requireAvailable(IO_URING, IoUring.isAvailable(), IoUring.unavailabilityCause());
        return IO_URING;
      }
      case "nio" -> {
        return NIO;
      }
      default -> throw new IllegalArgumentException("unknown transport '" + name + "': auto, epoll, io_uring or nio");
    }
  }

  private static void requireAvailable(Transport transport, boolean available, Throwable cause) {
    if (!available) {
      Throwable root = cause;
      while (root != null && root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalArgumentException("the " + transport.label + " transport cannot run here: "
          + (root == null ? "unavailable" : root.getClass().getSimpleName() + ": " + root.getMessage()), cause);
    }
  }

  /** The name for logs and metrics: {@code epoll}, {@code io_uring} or {@code nio}. */
  public String label() {
    return label;
  }

  /** A new group of {@code threads} event loops of this transport (0: Netty's default, twice the cores). */
  public EventLoopGroup newEventLoopGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
  }

  /** The channel type that accepts connections on this transport's event loops. */
  public Class<? extends ServerChannel> serverChannel() {
    return serverChannel;
  }

  /** The channel type of an outgoing connection on this transport's event loops. */
  public Class<? extends SocketChannel> socketChannel() {
    return socketChannel;
  }

  abstract IoHandlerFactory ioHandlerFactory();
}
