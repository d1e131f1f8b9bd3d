package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {
  @Test
  @EnabledOnOs(OS.LINUX)
  void linuxGetsEpollAndTheServerSaysSo() throws Exception {
    assertThat(Epoll.isAvailable()).as("the native epoll library loads").isTrue();
    assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
    assertThat(Transport.best().label()).isEqualTo("epoll");
  }

  @Test
  void transportsAreNamedAsTheCommandLineNamesThem() {
    assertThat(Transport.named("nio")).isEqualTo(Transport.NIO);
    assertThat(Transport.named(" NIO ")).isEqualTo(Transport.NIO);
    assertThat(Transport.named("auto")).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    for (Transport transport : Transport.values()) {
      if (transport != Transport.EPOLL || Epoll.isAvailable()) {
        if (transport != Transport.IO_URING || IoUring.isAvailable()) {
          assertThat(Transport.named(transport.label())).isEqualTo(transport);
        }
      }
    }
  }

  @Test
  void anUnknownTransportIsAnErrorThatListsTheKnownOnes() {
    assertThatIllegalArgumentException().isThrownBy(() -> Transport.named("kqueue"))
        .withMessage("unknown transport 'kqueue': auto, epoll, io_uring or nio");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void ioUringLoadsWhereTheKernelAllowsItElseTheErrorSaysWhy() {
    if (IoUring.isAvailable()) {
      assertThat(Transport.named("io_uring")).isEqualTo(Transport.IO_URING);
    } else {
      assertThatIllegalArgumentException().isThrownBy(() -> Transport.named("io_uring"))
          .withMessageStartingWith("the io_uring transport cannot run here: ");
    }
  }

  /** The loops and both channel types of one transport fit together: a client connects to a server. */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientAndAServerOfOneTransportTalk(Transport transport) throws Exception {
    if (transport == Transport.EPOLL && !Epoll.isAvailable() || transport == Transport.IO_URING && !IoUring.isAvailable()) {
      return; // not this platform's
    }
    EventLoopGroup group = transport.newEventLoopGroup(1);
    try {
      Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
          .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
              ctx.writeAndFlush(message); // echo
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      CompletableFuture<String> echoed = new CompletableFuture<>();
      Channel client = new Bootstrap().group(group).channel(transport.socketChannel())
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
              channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                  ByteBuf bytes = (ByteBuf) message;
                  echoed.complete(bytes.toString(StandardCharsets.US_ASCII));
                  bytes.release();
                }
              });
            }
          })
          .connect(server.localAddress()).sync().channel();
      client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
      assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
      client.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
