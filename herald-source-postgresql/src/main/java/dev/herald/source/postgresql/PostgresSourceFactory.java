package dev.herald.source.postgresql;

import dev.herald.source.Source;
import dev.herald.source.SourceFactory;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * The PostgreSQL transactional outbox: {@code postgresql://user[:password]@host[:port]/db?table=herald_outbox}
 * (also {@code postgres://}). Parameters: {@code table} (default {@value OutboxConfig#DEFAULT_TABLE}),
 * {@code schema} (default {@value OutboxConfig#DEFAULT_SCHEMA}), {@code poll} (the polling fallback
 * when no notification comes, default 1s), {@code create} (whether the hub creates the table and its
 * notify trigger when missing, default true) and {@code sslmode} (as libpq's). Every update's fields
 * come from its row: there is no topic template. See docs/sources.md.
 */
public final class PostgresSourceFactory implements SourceFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("postgresql", "postgres");
  }

  @Override
  public Source create(SourceUri uri) {
    return new PostgresSource(OutboxConfig.from(uri));
  }
}
