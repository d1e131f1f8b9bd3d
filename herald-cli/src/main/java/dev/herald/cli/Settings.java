package dev.herald.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Where option values come from when the command line does not give them: an environment variable
 * {@code HERALD_<OPTION>} (e.g. {@code --jwt-secret} → {@code HERALD_JWT_SECRET}), then the config
 * file ({@code --config FILE} or {@code HERALD_CONFIG}; Java properties with the option names as
 * keys, e.g. {@code jwt-secret=...}), then the command's own default provider ({@link ServeDefaults}),
 * then the option's documented default.
 *
 * <p>A name that matches no option is an error, never ignored ({@link #unknownNames}): a typo such
 * as {@code jwt_secret=} or {@code HERALD_JWT_SECRT} would otherwise start a hub in development mode
 * (generated secret, anonymous subscribers) without a word. The {@code HERALD_*} variables that are
 * not options are listed in {@link #OTHER_VARIABLES} (and in docs/hub.md).
 *
 * <p>The JWT variables of a Mercure container ({@code MERCURE_PUBLISHER_JWT_KEY}...) are aliases,
 * read after {@code HERALD_*} and before the file: see {@link MercureVariables}.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  /**
   * {@code HERALD_*} variables that set no option but are read elsewhere: by the launcher script,
   * the bench scripts and the test suite. Keep docs/hub.md's list in step.
   */
  static final Set<String> OTHER_VARIABLES = Set.of(
      "HERALD_CONFIG", // the --config file, read before the options are parsed
      "HERALD_JAVA_OPTS", // ./herald: JVM flags
      "HERALD_SERVE_OPTS", "HERALD_BENCH_SECRET", // bench/*.sh
      "HERALD_CHROMIUM", "HERALD_REQUIRE_BROWSER", "HERALD_REDIS_SERVER", "HERALD_REQUIRE_REDIS", // tests
      "HERALD_REQUIRE_SERVICES"); // tests: .ci/run sets it for the source connectors' services

  private final Map<String, String> environment;
  /** Options set by {@code MERCURE_*} variables ({@link MercureVariables}), by name without dashes. */
  private final Map<String, String> mercure;
  private final Properties file;
  private final String fileName;
  /** The command's own default provider (e.g. {@link ServeDefaults}), or null. */
  private final CommandLine.IDefaultValueProvider fallback;

  Settings(Map<String, String> environment, Properties file) {
    this(environment, file, "(none)", null);
  }

  private Settings(Map<String, String> environment, Properties file, String fileName,
      CommandLine.IDefaultValueProvider fallback) {
    this.environment = environment;
    this.mercure = MercureVariables.options(environment);
    this.file = file;
    this.fileName = fileName;
    this.fallback = fallback;
  }

  /**
   * These settings over a command's own default provider (null: none), which answers when neither the
   * environment nor the file does.
   */
  Settings over(CommandLine.IDefaultValueProvider commandDefaults) {
    return new Settings(environment, file, fileName, commandDefaults);
  }

  /** Settings from the process environment and the config file named in {@code args} or the environment. */
  static Settings load(String[] args, Map<String, String> environment) {
    String path = configPath(args, environment);
    Properties properties = new Properties();
    if (path != null) {
      try (Reader reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new CommandLine.PicocliException("cannot read the config file " + path + ": " + e.getMessage());
      }
    }
    try {
      return new Settings(environment, properties, path, null);
    } catch (IllegalArgumentException e) { // a MERCURE_* variable
      throw new CommandLine.PicocliException(e.getMessage());
    }
  }

  private static String configPath(String[] args, Map<String, String> environment) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return environment.get("HERALD_CONFIG");
  }

  /** The environment variable for an option name such as {@code --jwt-secret}. */
  static String variable(String longName) {
    return "HERALD_" + longName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * One message per config file key and {@code HERALD_*} variable that no option reads, each with
   * the closest valid name; empty when every name is known.
   *
   * @param options the long option names (without dashes) of every command that reads settings: a
   *     file or environment shared by {@code serve} and {@code token} may hold names only one knows
   */
  List<String> unknownNames(Set<String> options) {
    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      if (!options.contains(key)) {
        problems.add("unknown key '" + key + "' in the config file " + fileName + "; did you mean '"
            + ClosestName.of(key, options) + "'? (keys are the long option names, e.g. jwt-secret)");
      }
    }
    Set<String> variables = new TreeSet<>(OTHER_VARIABLES);
    options.forEach(option -> variables.add(variable(option)));
    for (String name : new TreeSet<>(environment.keySet())) {
      if (name.startsWith("HERALD_") && !variables.contains(name)) {
        problems.add("unknown environment variable " + name + "; did you mean " + ClosestName.of(name, variables)
            + "? (HERALD_<OPTION> sets an option, e.g. HERALD_JWT_SECRET; the other HERALD_* variables"
            + " are listed in docs/hub.md)");
      }
    }
    return problems;
  }

  /**
   * Where this option's value comes from when the command line does not give it: {@code env
   * HERALD_...}, {@code env MERCURE_..._JWT_KEY}, {@code file PATH}; null for the command's default.
   */
  String origin(CommandLine.Model.OptionSpec option) {
    String key = option.longestName().replaceFirst("^-+", "");
    if (environment.containsKey(variable(option.longestName()))) {
      return "env " + variable(option.longestName());
    }
    if (mercure.containsKey(key)) { // publisher-jwt-secret ← MERCURE_PUBLISHER_JWT_KEY
      return "env MERCURE_" + key.substring(0, key.indexOf('-')).toUpperCase(Locale.ROOT) + "_JWT_KEY";
    }
    return file.getProperty(key) != null ? "file " + fileName : null;
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argument) throws Exception {
    if (argument instanceof CommandLine.Model.OptionSpec option && !option.longestName().equals("--config")) {
      String fromEnvironment = environment.get(variable(option.longestName()));
      if (fromEnvironment != null) {
        return fromEnvironment;
      }
      String fromMercure = mercure.get(option.longestName().replaceFirst("^-+", ""));
      if (fromMercure != null) {
        return fromMercure;
      }
      String fromFile = file.getProperty(option.longestName().replaceFirst("^-+", ""));
      if (fromFile != null) {
        return fromFile;
      }
    }
    String commandDefault = fallback == null ? null : fallback.defaultValue(argument);
    return commandDefault != null ? commandDefault : argument.defaultValue();
  }
}
