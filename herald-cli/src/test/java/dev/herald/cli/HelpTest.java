package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command's --help renders cleanly: picocli warns on System.err about an unescaped '%'. */
class HelpTest {
  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    PrintStream original = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (String command : new String[] {"serve", "publish", "subscribe", "relay", "token", "bench"}) {
        assertThat(Herald.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(),
            command, "--help")).as(command).isZero();
      }
    } finally {
      System.setErr(original);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(out.toString()).contains("--retry-policy", "50% random jitter", "Development mode");
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int herald(String... args) {
    return Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
  }

  @Test
  void helpCommandListsTheCommandsAndShowsOnesUsage() {
    assertThat(herald("help")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("serve", "publish", "subscribe", "relay", "token", "bench");
    out.getBuffer().setLength(0);

    assertThat(herald("help", "subscribe")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Usage: herald subscribe", "--hub", "--topic");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void versionPrintsTheVersionCommitAndBuildDateTheBuildRecorded() {
    assertThat(herald("--version")).as(err.toString()).isZero();

    assertThat(out.toString().strip()).matches("herald \\d+\\.\\d+\\.\\d+\\S* \\(commit ([0-9a-f]{12}(-dirty)?|unknown),"
        + " built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)");
  }

  @Test
  void versionSaysUnknownForWhatTheBuildDidNotFillIn() {
    java.util.Properties unfiltered = new java.util.Properties();
    unfiltered.setProperty("commit", "${herald.commit}");

    assertThat(Herald.Version.value(unfiltered, "commit")).isEqualTo("unknown");
    assertThat(Herald.Version.value(unfiltered, "date")).isEqualTo("unknown");
  }

  @Test
  void portOnServeSuggestsListen() {
    assertThat(herald("serve", "--port", "9090")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option", "did you mean --listen :9090?", "Try 'herald serve --help'");
  }

  @Test
  void misspelledOptionSuggestsTheNearestOne() {
    assertThat(herald("subscribe", "--max-event", "1", "http://localhost/")).isEqualTo(2);
    assertThat(err.toString()).contains("did you mean --max-events?");
  }

  @Test
  void farFetchedOptionGetsNoSuggestion() {
    assertThat(herald("token", "--completely-different")).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("did you mean");
  }

  /** "" is {@code herald --help}, with the list of commands. */
  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "publish", "subscribe", "relay", "token", "bench"})
  void helpFitsEightyColumns(String command) {
    for (String line : help(command).split("\\R")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(HelpWrapping.WIDTH);
    }
  }

  /**
   * Wrapping only turns spaces into line breaks: the words of the help are those of picocli's text
   * unwrapped, so no line ends inside a --option=LABEL, a URL or a path.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "publish", "subscribe", "relay", "token", "bench"})
  void helpBreaksLinesOnlyBetweenWords(String command) {
    assertThat(words(help(command))).isEqualTo(words(unwrappedHelp(command)));
  }

  @Test
  void serveHelpKeepsOptionLabelsAndPathsWhole() {
    String help = help("serve");
    assertThat(help).contains("[--listen=HOST:PORT]", "[--store=sqlite|memory|URI]", "./herald-data",
        "redis-sentinel://[user:password@]host:port[,host:port...][/db]#master");
  }

  @Test
  void synopsisContinuesUnderTheFirstOption() {
    List<String> synopsis = Arrays.asList(help("serve").split("\\R")).subList(0, 3);
    assertThat(synopsis.get(0)).startsWith("Usage: herald serve [");
    assertThat(synopsis.subList(1, 3)).allSatisfy(line -> assertThat(line).startsWith(" ".repeat(20) + "["));
  }

  @Test
  void descriptionsContinueTwoColumnsRightOfTheirStart() {
    String help = help("publish");
    assertThat(help).contains(
        "      --hub=URL             The hub's endpoint (default:\n"
            + "                              http://localhost:8080/.well-known/mercure).");
  }

  private String help(String command) {
    StringWriter help = new StringWriter();
    String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
    assertThat(Herald.run(new PrintWriter(help, true), new PrintWriter(err, true), Map.of(), args)).isZero();
    return help.toString();
  }

  /** The help as picocli renders it on a line wide enough for any paragraph. */
  private static String unwrappedHelp(String command) {
    CommandLine herald = new CommandLine(new Herald()).setUsageHelpWidth(10_000);
    CommandLine target = command.isEmpty() ? herald : herald.getSubcommands().get(command);
    StringWriter help = new StringWriter();
    target.usage(new PrintWriter(help, true), CommandLine.Help.Ansi.OFF);
    return help.toString();
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }
}
