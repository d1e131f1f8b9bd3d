package dev.herald.redis;

import dev.herald.log.UnconfirmedException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code WAIT replicas timeout} after an append, so that the append is acknowledged only once that many
 * replicas have it and a failover to one of them cannot lose it. It must run on the connection that
 * wrote: {@code WAIT} waits for the replication offset of that connection's last write. Fewer
 * confirmations in time fail the append with {@link UnconfirmedException} (the update stays stored on
 * the primary and may still be delivered).
 */
final class ReplicaWait {
  /** Beyond the WAIT timeout, for the reply to travel back before the client gives up on it. */
  private static final Duration REPLY_MARGIN = Duration.ofSeconds(1);

  private final int replicas;
  private final Duration timeout;

  ReplicaWait(int replicas, Duration timeout) {
    this.replicas = replicas;
    this.timeout = timeout;
  }

  /** Completes when enough replicas confirmed the connection's writes so far; fails otherwise. */
  CompletableFuture<Void> confirm(RedisLink connection) {
    if (replicas == 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    try {
      connection.async().waitForReplication(replicas, timeout.toMillis()).whenComplete((count, error) -> {
        if (error != null) {
          confirmed.completeExceptionally(error);
        } else if (count < replicas) {
          confirmed.completeExceptionally(new UnconfirmedException("the update could not be confirmed by "
              + replicas + (replicas == 1 ? " replica" : " replicas") + " within " + timeout.toMillis() + " ms ("
              + count + " confirmed)"));
        } else {
          confirmed.complete(null);
        }
      });
    } catch (RuntimeException rejected) { // disconnected meanwhile
      confirmed.completeExceptionally(rejected);
    }
    return confirmed;
  }

  /**
   * Client timeouts: {@code timeout} for every command but {@code WAIT}, which Redis itself ends after
   * {@code waitTimeout}: the client must not give up on it first and turn "not confirmed" into "no answer".
   */
  static TimeoutOptions timeouts(Duration timeout, Duration waitTimeout) {
    long others = timeout.toNanos();
    long waits = waitTimeout.plus(REPLY_MARGIN).toNanos();
    return TimeoutOptions.builder().timeoutSource(new TimeoutOptions.TimeoutSource() {
      @Override
      public long getTimeout(RedisCommand<?, ?, ?> command) {
        return command.getType() == CommandType.WAIT ? Math.max(others, waits) : others;
      }

      @Override
      public TimeUnit getTimeUnit() {
        return TimeUnit.NANOSECONDS;
      }
    }).build();
  }
}
