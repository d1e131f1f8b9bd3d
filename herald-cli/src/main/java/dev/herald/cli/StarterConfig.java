package dev.herald.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The commented starter configuration file that {@code herald config init} prints: every option of
 * {@code herald serve} as a {@code name=value} line of the {@code --config} format ({@link Settings}),
 * commented out, with its description and its environment variable above it.
 *
 * <p>Everything comes from the option specs of a fresh {@link ServeCommand}, never from a copied
 * list: a new option appears here with its help text, and a changed default ({@link ServeDefaults},
 * {@code ${DEFAULT-VALUE}}) changes the file. The sections only say where a heading goes (before
 * which option), so an option added anywhere lands in the section it was declared in.
 */
final class StarterConfig {
  /** Width of the comment lines. */
  private static final int WIDTH = 80;
  /** First option of a section → its heading, in declaration order of {@link ServeCommand}. */
  static final Map<String, String> SECTIONS = sections();

  private StarterConfig() {
  }

  private static Map<String, String> sections() {
    Map<String, String> sections = new LinkedHashMap<>();
    sections.put("--listen", "Network");
    sections.put("--jwt-secret", "Authorization: JWT secrets, keys and JWKS URLs (never commit real secrets)");
    sections.put("--publish-origin", "Browsers: anonymous subscribers, CORS and CSRF");
    sections.put("--heartbeat", "Streams");
    sections.put("--store", "Event log: store and retention");
    sections.put("--max-update-size", "Limits: publishes, subscriptions, connections and replays");
    sections.put("--tls-cert", "HTTPS and HTTP/2");
    sections.put("--log-format", "Logs");
    sections.put("--flush-interval", "Delivery, dashboard and active subscriptions");
    sections.put("--publish-rate", "Publish rate limits");
    sections.put("--source", "Sources: databases and brokers the hub consumes (docs/sources.md)");
    return sections;
  }

  /** The options a configuration file may set: every option of {@code serve} but help, version and --config. */
  static List<CommandLine.Model.OptionSpec> settable(CommandLine.Model.CommandSpec serve) {
    List<CommandLine.Model.OptionSpec> options = new ArrayList<>();
    for (CommandLine.Model.OptionSpec option : serve.options()) {
      if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config")) {
        options.add(option);
      }
    }
    return options;
  }

  /** The option's name as a file key: {@code --jwt-secret} → {@code jwt-secret}. */
  static String key(CommandLine.Model.OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /**
   * The default {@code herald serve} applies when nothing sets the option, as a file value; empty
   * when there is none (secrets, keys, origins: the hub then does without, or decides itself).
   */
  static String defaultValue(CommandLine.Model.CommandSpec serve, CommandLine.Model.OptionSpec option) {
    String value = null;
    try {
      value = serve.defaultValueProvider() == null ? null : serve.defaultValueProvider().defaultValue(option);
    } catch (Exception e) {
      throw new IllegalStateException(e); // ServeDefaults is a map lookup
    }
    if (value == null) {
      value = option.defaultValue();
    }
    if (value == null && (option.type() == boolean.class) && option.arity().max() == 0) {
      value = "false"; // a flag that is off
    }
    return value == null ? "" : value;
  }

  /** The whole file. */
  static String render(String version) {
    CommandLine.Model.CommandSpec serve = new CommandLine(new ServeCommand()).getCommandSpec();
    StringBuilder out = new StringBuilder();
    out.append("# Herald hub configuration: herald serve --config FILE (or HERALD_CONFIG=FILE)\n")
        .append("# Printed by 'herald config init' of:\n")
        .append("# ").append(version).append("\n")
        .append("#\n")
        .append("# One name=value line per option of 'herald serve', the long option name without\n")
        .append("# dashes. Every line below is commented out and shows the default: uncomment and\n")
        .append("# edit the ones you change. The command line wins over the environment\n")
        .append("# (HERALD_<OPTION>), which wins over this file. An unknown name is an error.\n")
        .append("# Check a configuration without serving: herald config check --config FILE\n");
    for (CommandLine.Model.OptionSpec option : settable(serve)) {
      String heading = SECTIONS.get(option.longestName());
      if (heading != null) {
        out.append("\n#### ").append(heading).append("\n");
      }
      out.append("\n");
      for (String line : wrap(String.join(" ", option.description()), WIDTH - 2)) {
        out.append("# ").append(line).append("\n");
      }
      out.append("# (").append(option.arity().max() == 0 ? "true|false" : option.paramLabel())
          .append("; environment: ").append(Settings.variable(option.longestName())).append(")\n");
      out.append("#").append(key(option)).append("=").append(defaultValue(serve, option)).append("\n");
    }
    return out.toString();
  }

  /** Lines of at most {@code width} characters, broken at spaces (a longer word gets its own line). */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
