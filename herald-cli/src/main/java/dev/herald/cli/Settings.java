package dev.herald.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Where option values come from when the command line does not give them: an environment variable
 * {@code HERALD_<OPTION>} (e.g. {@code --jwt-secret} → {@code HERALD_JWT_SECRET}), then the config
 * file ({@code --config FILE} or {@code HERALD_CONFIG}; Java properties with the option names as
 * keys, e.g. {@code jwt-secret=...}), then the option's documented default.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> environment;
  private final Properties file;

  Settings(Map<String, String> environment, Properties file) {
    this.environment = environment;
    this.file = file;
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
    return new Settings(environment, properties);
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

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argument) {
    if (!(argument instanceof CommandLine.Model.OptionSpec option) || option.longestName().equals("--config")) {
      return argument.defaultValue();
    }
    String fromEnvironment = environment.get(variable(option.longestName()));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String fromFile = file.getProperty(option.longestName().replaceFirst("^-+", ""));
    return fromFile != null ? fromFile : argument.defaultValue();
  }
}
