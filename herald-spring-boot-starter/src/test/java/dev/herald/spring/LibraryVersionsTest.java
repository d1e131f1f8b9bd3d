package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class LibraryVersionsTest {
  @Test
  void netty41IsTooOldAnd42OrLaterIsNot() {
    assertThat(LibraryVersions.atLeast("4.1.128.Final", 4, 2)).isFalse();
    assertThat(LibraryVersions.atLeast("4.2.0.Final", 4, 2)).isTrue();
    assertThat(LibraryVersions.atLeast("4.2.18.Final", 4, 2)).isTrue();
    assertThat(LibraryVersions.atLeast("5.0.0.Alpha1", 4, 2)).isTrue();
  }

  @Test
  void aVersionThatIsNotNumberedIsNotTrusted() {
    assertThat(LibraryVersions.atLeast("(missing)", 4, 2)).isFalse();
  }

  @Test
  void theBuildsNettyOnTheClasspathPasses() {
    assertThatCode(LibraryVersions::requireNetty).doesNotThrowAnyException();
  }

  @Test
  void theVersionsHeraldIsBuiltWithAreRecorded() {
    assertThat(LibraryVersions.built().get("netty")).matches("4\\.2\\.\\d+\\.Final");
  }

  @Test
  void theFailureNamesTheArtifactFoundAndThePropertyToSet() {
    HeraldConfigurationException failure = LibraryVersions.nettyTooOld("netty-transport 4.1.128.Final", "4.2.18.Final");
    assertThat(failure).hasMessageContaining("netty-transport 4.1.128.Final");
    assertThat(failure.action()).contains("<netty.version>4.2.18.Final</netty.version>");
  }
}
