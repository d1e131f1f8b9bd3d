package dev.herald.server;

import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Settings and shared state of one running {@link HttpServer}, handed to its handlers. */
final class ServerConfig {
  final int maxRequestLineLength;
  final int maxHeaderSize;
  final int maxBodySize;
  final Duration heartbeat;
  final int writeBufferHighWaterMark;
  /** The I/O transport the server runs on ({@link HttpServer.Builder#transport}, else {@link Transport#best()}). */
  final Transport transport;
  final ChannelGroup streams;
  final AtomicLong slowConsumersClosed = new AtomicLong();
  final AtomicLong subscriptionsFailed = new AtomicLong();
  final AtomicLong connectionsRefused = new AtomicLong();
  final AtomicLong connectionsTimedOut = new AtomicLong();
  final LongAdder deliveries = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  final LongAdder heartbeats = new LongAdder();
  final LongAdder replayed = new LongAdder();
  final LongAdder replaysStalled = new LongAdder();
  final ReplayBudget replayBudget;
  final int replayPageBytes;
  final Duration replayStallTimeout;
  final AtomicInteger http1Streams = new AtomicInteger();
  final AtomicInteger http2Streams = new AtomicInteger();
  final ConnectionGuard.Counts counts = new ConnectionGuard.Counts();
  final int maxConnections;
  final int maxConnectionsPerAddress;
  final Duration requestTimeout;
  final Duration idleTimeout;
  final SslContext sslContext;
  final int maxConcurrentStreams;
  /** A fixed flush interval, zero for every tick, {@code null} for adaptive ({@link FlushPacer}). */
  final Duration flushInterval;
  final BodyBudget bodyBudget;
  /** The requests whose bodies are streamed to the handler; null: none. */
  final StreamedRequests streamedRequests;
  /** {@link HttpServer.Builder#deliveryDelays}. */
  final java.util.function.LongConsumer deliveryDelays;
  private volatile boolean closing;

  ServerConfig(HttpServer.Builder builder, ChannelGroup streams) {
    this.maxRequestLineLength = builder.maxRequestLineLength;
    this.maxHeaderSize = builder.maxHeaderSize;
    this.maxBodySize = builder.maxBodySize;
    this.heartbeat = builder.heartbeat;
    this.writeBufferHighWaterMark = builder.writeBufferHighWaterMark;
    this.transport = builder.transport != null ? builder.transport : Transport.best();
    this.streams = streams;
    this.maxConnections = builder.maxConnections;
    this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
    this.requestTimeout = builder.requestTimeout;
    this.idleTimeout = builder.idleTimeout;
    this.sslContext = builder.sslContext;
    this.maxConcurrentStreams = builder.maxConcurrentStreams;
    this.flushInterval = builder.flushInterval;
    this.replayBudget = new ReplayBudget(builder.replayBudget);
    this.replayPageBytes = builder.replayPageSize;
    this.replayStallTimeout = builder.replayStallTimeout;
    this.bodyBudget = new BodyBudget(builder.maxBodyBytesInFlight);
    this.streamedRequests = builder.streamedRequests;
    this.deliveryDelays = builder.deliveryDelays;
  }

  boolean closing() {
    return closing;
  }

  void startClosing() {
    closing = true;
  }
}
