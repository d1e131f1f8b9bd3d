package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every size option of {@code herald serve} reads {@link ByteSize}'s forms, from the command line,
 * a {@code HERALD_*} variable or the config file alike, and refuses anything else as bad usage.
 */
class ServeByteSizesTest {
  private static final String[] SIZE_OPTIONS = {"--max-update-size", "--write-buffer-limit", "--max-header-size",
      "--max-request-line", "--retain-bytes", "--max-publish-bytes-in-flight", "--replay-budget", "--replay-page-size", "--cache-size"};

  /** {@code serve}'s options parsed (not run) with these settings, as {@code herald} parses them. */
  static CommandLine.Model.CommandSpec parsed(Map<String, String> environment, Properties file,
      String... args) {
    CommandLine herald = new CommandLine(new Herald());
    CommandLine serve = herald.getSubcommands().get("serve");
    serve.setDefaultValueProvider(new Settings(environment, file).over(serve.getDefaultValueProvider()));
    String[] command = new String[args.length + 1];
    command[0] = "serve";
    System.arraycopy(args, 0, command, 1, args.length);
    herald.parseArgs(command);
    return serve.getCommandSpec();
  }

  private static long value(CommandLine.Model.CommandSpec spec, String option) {
    return ((Number) spec.findOption(option).getValue()).longValue();
  }

  @Test
  void everySizeOptionTakesUnitsOnTheCommandLine() {
    for (String option : SIZE_OPTIONS) {
      assertThat(value(parsed(Map.of(), new Properties(), option, "16KiB"), option)).as(option).isEqualTo(16_384);
      assertThat(value(parsed(Map.of(), new Properties(), option, "20000"), option)).as(option).isEqualTo(20_000);
      assertThat(value(parsed(Map.of(), new Properties(), option + "=2MB"), option)).as(option).isEqualTo(2_000_000);
    }
  }

  @Test
  void unitsWorkInTheEnvironmentAndTheConfigFileToo() {
    Properties file = new Properties();
    file.setProperty("max-update-size", "512KiB");
    CommandLine.Model.CommandSpec spec = parsed(Map.of("HERALD_RETAIN_BYTES", "1GiB"), file);

    assertThat(value(spec, "--retain-bytes")).isEqualTo(1L << 30);
    assertThat(value(spec, "--max-update-size")).isEqualTo(512 * 1024);
  }

  @Test
  void retainBytesGoesPastTwoGibWhereIntOptionsStop() {
    assertThat(value(parsed(Map.of(), new Properties(), "--retain-bytes", "10GiB"), "--retain-bytes"))
        .isEqualTo(10L << 30);
    assertThat(run(Map.of(), "serve", "--max-update-size", "2GiB")).isEqualTo(2);
  }

  @Test
  void aBadSizeIsBadUsageNamingTheOptionAndTheForms() {
    StringWriter err = new StringWriter();
    for (String bad : new String[] {"-1", "lots", "1.5MiB", "64M"}) {
      for (String option : SIZE_OPTIONS) {
        err.getBuffer().setLength(0);
        assertThat(run(err, Map.of(), "serve", option, bad)).as(option + " " + bad).isEqualTo(2);
        assertThat(err.toString()).as(option + " " + bad)
            .contains("Invalid value for option '" + option + "': '" + bad + "' is not a size in bytes",
                "64MiB", "Try 'herald serve --help'");
      }
    }
  }

  @Test
  void aBadSizeInTheEnvironmentIsBadUsageToo() {
    StringWriter err = new StringWriter();
    assertThat(run(err, Map.of("HERALD_WRITE_BUFFER_LIMIT", "1 megabyte"), "serve")).isEqualTo(2);
    assertThat(err.toString()).contains("'--write-buffer-limit'", "'1 megabyte' is not a size in bytes");
  }

  @Test
  void aPublishBudgetSmallerThanTheLargestUpdateIsBadUsageNamingBothOptions() {
    StringWriter err = new StringWriter();
    // Refused before the port is bound: a body of the largest size could never be received.
    assertThat(run(err, Map.of(), "serve", "--listen", "127.0.0.1:0", "--store", "memory",
        "--max-update-size", "2MiB", "--max-publish-bytes-in-flight", "1MiB")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--max-publish-bytes-in-flight (1048576) must be at least --max-update-size (2097152)");
  }

  private static int run(Map<String, String> environment, String... args) {
    return run(new StringWriter(), environment, args);
  }

  private static int run(StringWriter err, Map<String, String> environment, String... args) {
    return Herald.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), environment, args);
  }
}
