package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class HeraldFailureAnalyzerTest {
  @Test
  void aHeraldFailureInsideABeanFailureIsReportedWithItsDescriptionAndAction() {
    HeraldConfigurationException cause = new HeraldConfigurationException("what is wrong", "what to change");
    FailureAnalysis analysis = new HeraldFailureAnalyzer().analyze(new BeanCreationException("heraldHub", "failed", cause));
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).isEqualTo("what is wrong");
    assertThat(analysis.getAction()).isEqualTo("what to change");
  }

  @Test
  void otherFailuresAreLeftToOtherAnalyzers() {
    assertThat(new HeraldFailureAnalyzer().analyze(new IllegalStateException("not ours"))).isNull();
  }
}
