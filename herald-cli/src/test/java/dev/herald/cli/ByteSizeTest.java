package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ByteSizeTest {
  @Test
  void readsPlainBytes() {
    assertThat(ByteSize.parse("1048576")).isEqualTo(1_048_576);
    assertThat(ByteSize.parse("0")).isZero();
    assertThat(ByteSize.parse("100B")).isEqualTo(100);
    assertThat(ByteSize.parse(" 7 ")).isEqualTo(7);
  }

  @Test
  void readsBinaryUnitsAsPowersOf1024() {
    assertThat(ByteSize.parse("512KiB")).isEqualTo(512L * 1024);
    assertThat(ByteSize.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("2TiB")).isEqualTo(2L << 40);
  }

  @Test
  void readsDecimalUnitsAsPowersOf1000() {
    assertThat(ByteSize.parse("500KB")).isEqualTo(500_000);
    assertThat(ByteSize.parse("64MB")).isEqualTo(64_000_000);
    assertThat(ByteSize.parse("1GB")).isEqualTo(1_000_000_000);
    assertThat(ByteSize.parse("3TB")).isEqualTo(3_000_000_000_000L);
  }

  @Test
  void unitsAreCaseInsensitiveAndMayFollowASpace() {
    assertThat(ByteSize.parse("64mib")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("64 MiB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("1gb")).isEqualTo(1_000_000_000);
  }

  @Test
  void refusesNegativeFractionalAndUnknownSizesWithTheFormsToUse() {
    for (String bad : new String[] {"", "-1", "-1MiB", "+5", "1.5GiB", "64M", "64 m", "MiB", "ten", "1e6", "1 MiB B",
        "0x10"}) {
      assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessageContaining("is not a size in bytes").hasMessageContaining("64MiB");
    }
  }

  @Test
  void refusesSizesPastTheRange() {
    assertThatThrownBy(() -> ByteSize.parse("8388608TiB")).hasMessageContaining("too large");
    assertThatThrownBy(() -> ByteSize.parse("99999999999999999999")).hasMessageContaining("too large");
    assertThat(ByteSize.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void intOptionsTakeAtMostTwoGibLessOneByte() {
    assertThat(new ByteSize.Int().convert("2147483647")).isEqualTo(Integer.MAX_VALUE);
    assertThat(new ByteSize.Int().convert("1MiB")).isEqualTo(1 << 20);
    assertThatThrownBy(() -> new ByteSize.Int().convert("2GiB"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("at most 2147483647 bytes");
  }

  @Test
  void formatsInTheLargestExactBinaryUnitAndReadsBackTheSame() {
    assertThat(ByteSize.format(0)).isEqualTo("0");
    assertThat(ByteSize.format(1000)).isEqualTo("1000");
    assertThat(ByteSize.format(16_384)).isEqualTo("16KiB");
    assertThat(ByteSize.format(1 << 20)).isEqualTo("1MiB");
    assertThat(ByteSize.format(1536L << 10)).isEqualTo("1536KiB");
    assertThat(ByteSize.format(256L << 20)).isEqualTo("256MiB");
    assertThat(ByteSize.format(5L << 40)).isEqualTo("5TiB");
    for (long bytes : new long[] {0, 1, 1000, 4096, 1 << 20, 3L << 30, 7L << 40, 1L << 50, Long.MAX_VALUE}) {
      assertThat(ByteSize.parse(ByteSize.format(bytes))).as("%d", bytes).isEqualTo(bytes);
    }
  }
}
