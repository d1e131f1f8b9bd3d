package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code herald config init} prints a starter file for {@code herald serve --config} generated from
 * the serve command's option specs: every option once, with its description and its default.
 */
class ConfigInitTest {
  private static final String SECRET = "config-init-test-secret-that-is-long-enough";
  private static final Pattern SETTING = Pattern.compile("(?m)^#([a-z0-9-]+)=(.*)$");
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private String init() {
    assertThat(Herald.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), "config", "init"))
        .as(err.toString()).isZero();
    return out.toString();
  }

  private static CommandLine.Model.CommandSpec serve() {
    return new CommandLine(new ServeCommand()).getCommandSpec();
  }

  @Test
  void everyServeOptionAppearsExactlyOnceAsACommentedOutSetting() {
    String file = init();

    for (CommandLine.Model.OptionSpec option : StarterConfig.settable(serve())) {
      String key = StarterConfig.key(option);
      assertThat(Pattern.compile("(?m)^#" + Pattern.quote(key) + "=").matcher(file).results().count())
          .as(key).isEqualTo(1);
    }
    assertThat(SETTING.matcher(file).results().count()).isEqualTo(StarterConfig.settable(serve()).size());
    assertThat(file).doesNotContain("#config=", "#help=", "#version=");
  }

  @Test
  void eachSettingHasItsDescriptionAndEnvironmentVariableAbove() {
    String file = init();

    assertThat(file).contains("# HMAC secret (>= 32 bytes) for publisher and subscriber tokens.\n"
        + "# (SECRET; environment: HERALD_JWT_SECRET)\n#jwt-secret=\n");
    assertThat(file).contains("# (true|false; environment: HERALD_NO_UI)\n#no-ui=false\n");
  }

  @Test
  void defaultsComeFromTheServeDefaultsAndTheAnnotations() {
    String file = init();

    assertThat(file).contains("#listen=:8080\n", "#store=sqlite\n",
        "#heartbeat=" + ServeDefaults.VALUES.get("--heartbeat") + "\n",
        "#max-update-size=" + ServeDefaults.VALUES.get("--max-update-size") + "\n");
    assertThat(file).contains("(default: " + ServeDefaults.VALUES.get("--heartbeat") + ";")
        .doesNotContain("${DEFAULT-VALUE}");
  }

  @Test
  void secretsAreNeverFilledIn() {
    Matcher settings = SETTING.matcher(init());
    while (settings.find()) {
      if (settings.group(1).contains("secret") || settings.group(1).contains("jwt-key")) {
        assertThat(settings.group(2)).as(settings.group(1)).isEmpty();
      }
    }
  }

  @Test
  void commentLinesFitEightyColumnsAndSectionsHaveHeadings() {
    String file = init();

    for (String line : file.split("\n")) {
      if (!SETTING.matcher(line).matches()) {
        assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
      }
    }
    StarterConfig.SECTIONS.forEach((first, heading) ->
        assertThat(file).as(first).contains("#### " + heading + "\n\n# "));
    assertThat(serve().findOption(StarterConfig.SECTIONS.keySet().iterator().next())).isNotNull();
    StarterConfig.SECTIONS.keySet().forEach(first -> assertThat(serve().findOption(first)).as(first).isNotNull());
  }

  @Test
  void theFileUncommentedWithASecretIsAcceptedByServe(@TempDir Path dir) throws Exception {
    // Every setting that shows a value, uncommented; the empty ones (secrets, keys...) stay placeholders.
    String uncommented = SETTING.matcher(init()).replaceAll(match ->
        match.group(2).isEmpty() ? Matcher.quoteReplacement(match.group()) : "$1=$2");
    Path config = Files.writeString(dir.resolve("herald.properties"), uncommented + "jwt-secret=" + SECRET + "\n");
    String[] args = {"serve", "--config", config.toString()};
    Settings settings = Settings.load(args, Map.of());
    CommandLine herald = Herald.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), settings);

    CommandLine.ParseResult parsed = herald.parseArgs(args); // converts every value: a bad one throws

    assertThat(settings.unknownNames(Herald.optionNames(herald))).isEmpty();
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    assertThat(Files.readString(config)).contains("\nlisten=:8080\n", "\nno-ui=false\n", "\n#jwt-key=\n");
  }
}
