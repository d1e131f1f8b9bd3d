package dev.herald.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An update's validation, its content rule ({@link Update#sameContentAs}) and the checks built on it. */
class UpdateTest {
  private static final Update BASE = new Update("x", List.of("a", "b"), "data", true, "kind", 10L);

  @Test
  void theSameContentIgnoresTheId() {
    assertThat(BASE.sameContentAs(BASE.withId("y"))).isTrue();
    assertThat(BASE.sameContentAs(BASE.withId(null))).isTrue();
  }

  @Test
  void everyFieldButTheIdIsContent() {
    for (Update other : List.of(
        new Update("x", List.of("b", "a"), "data", true, "kind", 10L),
        new Update("x", List.of("a"), "data", true, "kind", 10L),
        new Update("x", List.of("a", "b"), "Data", true, "kind", 10L),
        new Update("x", List.of("a", "b"), "data", false, "kind", 10L),
        new Update("x", List.of("a", "b"), "data", true, null, 10L),
        new Update("x", List.of("a", "b"), "data", true, "kind", null))) {
      assertThat(BASE.sameContentAs(other)).as("%s", other).isFalse();
      assertThat(other.sameContentAs(BASE)).as("%s", other).isFalse();
    }
  }

  @Test
  void anEmptyTypeIsNoType() {
    Update empty = new Update("x", List.of("a"), "d", false, "", null);

    assertThat(empty.type()).isNull();
    assertThat(empty.sameContentAs(new Update("x", List.of("a"), "d", false, null, null))).isTrue();
  }

  @Test
  void aTopicWithALineBreakIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Update(null, List.of("a\nb"), "d", false, null, null))
        .withMessageContaining("CR or LF");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Update(null, List.of("a", "b\r"), "d", false, null, null));
  }

  @Test
  void anUpdateNeedsATopic() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Update(null, List.of(), "d", false, null, null));
  }

  @Test
  void aRepeatWithOtherContentIsADuplicateNamingTheId() {
    assertThatCode(() -> DuplicateIdException.requireSameContent(BASE, BASE.withId("x"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> DuplicateIdException.requireSameContent(BASE,
        new Update("x", List.of("a", "b"), "other", true, "kind", 10L)))
        .isInstanceOf(DuplicateIdException.class).hasMessageContaining("'x'");
  }

  @Test
  void aBatchMayRepeatAnIdOnlyWithTheSameContent() {
    Update other = new Update("x", List.of("a", "b"), "other", true, "kind", 10L);
    Update fresh = new Update(null, List.of("a"), "d", false, null, null);

    assertThatCode(() -> DuplicateIdException.requireConsistentBatch(List.of(BASE, fresh, fresh, BASE)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> DuplicateIdException.requireConsistentBatch(List.of(fresh, BASE, other)))
        .isInstanceOf(DuplicateIdException.class).hasMessageContaining("'x'");
  }
}
