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

/**
 * A Netty I/O transport: its event loops and its server and client socket channels, which must
 * match. {@link #best()} is epoll on Linux when its native library loads (fewer system calls and
 * copies than NIO, and Linux socket options), else NIO; {@link HttpServer} uses it, and so should a
 * client in the same process that wants the same (e.g. {@code herald bench}'s subscribers).
 */
public enum Transport {
  /** Linux's epoll through Netty's native library. */
  EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class) {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return EpollIoHandler.newFactory();
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

  /** Epoll where its native library loads (Linux), else NIO. */
  public static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /** The name for logs and metrics: {@code epoll} or {@code nio}. */
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
