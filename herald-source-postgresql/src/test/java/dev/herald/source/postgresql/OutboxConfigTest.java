package dev.herald.source.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.source.Source;
import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxConfigTest {
  private static OutboxConfig config(String uri) {
    return OutboxConfig.from(SourceUri.parse(uri));
  }

  @Test
  void defaults() {
    OutboxConfig config = config("postgresql://app@db.example:6543/shop");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop");
    assertThat(config.table()).isEqualTo("herald_outbox");
    assertThat(config.schema()).isEqualTo("public");
    assertThat(config.qualifiedTable()).isEqualTo("\"public\".\"herald_outbox\"");
    assertThat(config.poll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.create()).isTrue();
    assertThat(config.properties().getProperty("user")).isEqualTo("app");
    assertThat(config.properties().getProperty("password")).isNull();
    assertThat(config.properties().getProperty("sslmode")).isNull();
    assertThat(config("postgres://app@db/shop").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/shop");
  }

  @Test
  void parameters() {
    OutboxConfig config = config("postgresql://app:s%40cret@db/shop?table=events&schema=app&poll=250ms&create=false"
        + "&sslmode=verify-full");
    assertThat(config.qualifiedTable()).isEqualTo("\"app\".\"events\"");
    assertThat(config.poll()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.create()).isFalse();
    assertThat(config.properties().getProperty("password")).isEqualTo("s@cret");
    assertThat(config.properties().getProperty("sslmode")).isEqualTo("verify-full");
  }

  @Test
  void theNameHasNoPassword() {
    Source source = Sources.open("postgresql://app:topsecret@db/shop?table=events");
    assertThat(source.name()).doesNotContain("topsecret").contains("app:***@db").contains("table=events");
    source.close();
  }

  @Test
  void lockKeyAndChannelDependOnSchemaAndTable() {
    OutboxConfig a = config("postgresql://app@db/shop?table=a");
    assertThat(config("postgresql://other@elsewhere/shop?table=a").lockKey()).isEqualTo(a.lockKey());
    assertThat(config("postgresql://app@db/shop?table=b").lockKey()).isNotEqualTo(a.lockKey());
    assertThat(config("postgresql://app@db/shop?table=a&schema=s").lockKey()).isNotEqualTo(a.lockKey());
    assertThat(a.setupKey()).isNotEqualTo(a.lockKey());
    assertThat(a.channel()).matches("herald_[0-9a-f]{16}");
  }

  @Test
  void aTableNameCannotCarrySql() {
    assertThatThrownBy(() -> config("postgresql://app@db/shop?table=x%22;DROP%20TABLE%20users;--"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 'table' must be a plain PostgreSQL name");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?schema=a.b"))
        .hasMessageContaining("parameter 'schema' must be a plain PostgreSQL name");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?table=Outbox"))
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?table=" + "t".repeat(64)))
        .hasMessageContaining("at most 63");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?table=")).hasMessageContaining("not ''");
  }

  @Test
  void badUris() {
    assertThatThrownBy(() -> config("postgresql://app:pw@db")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names one database").hasMessageNotContaining("pw");
    assertThatThrownBy(() -> config("postgresql://app@db/shop/more")).hasMessageContaining("names one database");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?poll=soon"))
        .hasMessageContaining("parameter 'poll' must be a duration");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?poll=1ms")).hasMessageContaining("from 10ms to 1h");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?sslmode=always")).hasMessageContaining("sslmode");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?create=maybe")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> config("postgresql://app@db/shop?table=a&table=b")).hasMessageContaining("2 times");
  }

  @Test
  void unknownParametersAreErrors() {
    assertThatThrownBy(() -> config("postgresql://app:pw@db/shop?topic=https://example.com/{id}&batch=10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameters topic, batch")
        .hasMessageContaining("create, poll, schema, sslmode, table")
        .hasMessageNotContaining(":pw@");
  }
}
