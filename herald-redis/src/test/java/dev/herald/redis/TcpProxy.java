package dev.herald.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port in front of a server, for network faults: {@link #partition()} stops
 * moving bytes both ways without closing anything (a partition, as a cut link or a dropped route
 * looks to both ends: silence, no reset), {@link #heal()} moves them again.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean partitioned;
  private volatile boolean closed;

  private TcpProxy(ServerSocket listener, int target) {
    this.listener = listener;
    this.target = target;
  }

  /** A relay to {@code 127.0.0.1:target}, accepting on a free loopback port. */
  static TcpProxy to(int target) throws IOException {
    TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
    Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  int port() {
    return listener.getLocalPort();
  }

  void partition() {
    partitioned = true;
  }

  void heal() {
    partitioned = false;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        while (!closed) {
          while (partitioned && !closed) { // nothing read, nothing written: the bytes wait in the kernel
            Thread.sleep(5);
          }
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          while (partitioned && !closed) { // a read that began before the cut is held too
            Thread.sleep(5);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // a side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    sockets.forEach(TcpProxy::closeQuietly);
  }
}
