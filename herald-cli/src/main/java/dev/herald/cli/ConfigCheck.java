package dev.herald.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herald config check}: the configuration {@code herald serve} would run with, from the same
 * flags, environment and file, validated by the same code ({@link ServeCommand#configure}) and then
 * tried against the machine ({@link ServeProbes}), without serving. It prints each option with its
 * value and origin (secrets masked), then every problem; exit code 0 with none, 2 otherwise.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Checks the configuration 'herald serve' would use (the same options, HERALD_* and MERCURE_*"
        + " variables and --config file) without serving: unknown names, bad values, unreadable key and"
        + " certificate files, the data directory, the port, Redis. Prints the effective configuration,"
        + " secrets masked, and every problem; exits 0 when there is none, 2 otherwise.",
    customSynopsis = "herald config check [--config FILE] [SERVE_OPTIONS...]")
final class ConfigCheck implements Callable<Integer> {
  /** Parsing stops at the first bad value: more attempts than options means something else is wrong. */
  private static final int MAX_ATTEMPTS = 200;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  private ConfigOption config;

  @CommandLine.Unmatched
  private List<String> serveArguments = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CommandLine root = spec.root().commandLine();
    // Herald.commandLine gave serve the settings (environment, MERCURE_*, file) over its defaults.
    Settings settings = (Settings) root.getSubcommands().get("serve").getDefaultValueProvider();
    Problems problems = new Problems();
    settings.unknownNames(Herald.optionNames(root)).forEach(problems::add);
    ServeCommand serve = new ServeCommand();
    CommandLine command = parse(serve, settings, problems);
    ServeCommand.Configured configured = null;
    if (command != null) {
      configured = serve.configure(problems);
      probe(command.getCommandSpec(), problems);
    } else { // the values as far as they parsed: printed with no flag as origin
      command = new CommandLine(new ServeCommand());
    }
    CommandLine.Model.CommandSpec serveSpec = command.getCommandSpec();

    out.println("Effective configuration of herald serve (origin: flag, env, file or default):");
    for (CommandLine.Model.OptionSpec option : StarterConfig.settable(serveSpec)) {
      String key = StarterConfig.key(option);
      String origin = origin(command, settings, option);
      String value = rawValue(command, settings, option);
      out.printf("  %-28s %-34s %s%n", key, value == null || value.isEmpty() ? "(none)" : masked(key, value), origin);
    }
    if (configured != null && configured.generatedSecret() != null) {
      out.println("Note: nothing configures authentication, so serve would run in development mode"
          + " (generated secret, anonymous subscribers).");
    }
    if (problems.isEmpty()) {
      out.println("No problems found.");
      out.flush();
      return 0;
    }
    List<String> messages = problems.messages();
    out.println(messages.size() + (messages.size() == 1 ? " problem:" : " problems:"));
    messages.forEach(message -> out.println("  - " + message));
    out.flush();
    return 2;
  }

  /**
   * Parses the serve arguments over the settings. A value that does not convert ends a parse, so it
   * is recorded, dropped (its flag, or its setting, which leaves the default) and the parse repeated,
   * until every bad value is known.
   *
   * @return the parsed command line, or null when a problem cannot be dropped (one that is not an option's)
   */
  private CommandLine parse(ServeCommand serve, Settings settings, Problems problems) {
    List<String> arguments = new ArrayList<>(serveArguments);
    Set<String> dropped = new HashSet<>();
    for (int attempt = 0; ; attempt++) {
      CommandLine command = new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).setExpandAtFiles(false);
      CommandLine.IDefaultValueProvider defaults = command.getDefaultValueProvider();
      Settings over = settings.over(defaults);
      command.setDefaultValueProvider(argument -> argument instanceof CommandLine.Model.OptionSpec option
          && dropped.contains(option.longestName()) ? defaults.defaultValue(argument) : over.defaultValue(argument));
      try {
        command.parseArgs(arguments.toArray(String[]::new));
        return command;
      } catch (CommandLine.UnmatchedArgumentException e) {
        String hint = UnknownOptionHint.of(command, e.getUnmatched());
        problems.add(e.getMessage() + (hint != null ? "; " + hint : ""));
        e.getUnmatched().forEach(arguments::remove); // each once: the same text may be another option's value
      } catch (CommandLine.ParameterException e) {
        problems.add(e.getMessage());
        if (!(e.getArgSpec() instanceof CommandLine.Model.OptionSpec option) || attempt == MAX_ATTEMPTS
            || !drop(arguments, option) && !dropped.add(option.longestName())) {
          return null; // cannot go on: report what is known
        }
      }
    }
  }

  /** Removes {@code option} and its value from the arguments; false when they do not hold it. */
  private static boolean drop(List<String> arguments, CommandLine.Model.OptionSpec option) {
    boolean found = false;
    for (int i = arguments.size() - 1; i >= 0; i--) {
      for (String name : option.names()) {
        if (arguments.get(i).startsWith(name + "=")) {
          arguments.remove(i);
          found = true;
        } else if (arguments.get(i).equals(name)) {
          if (option.arity().max() > 0 && i + 1 < arguments.size()) {
            arguments.remove(i + 1);
          }
          arguments.remove(i);
          found = true;
        }
      }
    }
    return found;
  }

  /** The machine: the port, and the data directory or Redis of the store. */
  private static void probe(CommandLine.Model.CommandSpec serve, Problems problems) {
    InetSocketAddress listen = serve.findOption("--listen").getValue();
    if (listen != null) {
      ServeProbes.listen(listen, problems);
    }
    String store = serve.findOption("--store").getValue();
    if ("sqlite".equals(store)) {
      ServeProbes.dataDirectory(serve.findOption("--data-dir").<Path>getValue(), problems);
    } else if (store != null && store.startsWith("redis")) {
      try {
        ServeProbes.redis(store, problems);
      } catch (IllegalArgumentException e) {
        // a URI that does not parse is a problem configure() reported already
      }
    }
  }

  private static String origin(CommandLine command, Settings settings, CommandLine.Model.OptionSpec option) {
    if (command.getParseResult() != null && command.getParseResult().hasMatchedOption(option)) {
      return "flag";
    }
    String origin = settings.origin(option);
    return origin != null ? origin : "default";
  }

  /** The value as typed: the flag's, or what the settings or defaults give. */
  private static String rawValue(CommandLine command, Settings settings, CommandLine.Model.OptionSpec option) {
    CommandLine.ParseResult parsed = command.getParseResult();
    if (parsed != null && parsed.hasMatchedOption(option)) {
      List<String> values = parsed.matchedOption(option.longestName()).originalStringValues();
      return values.isEmpty() ? "true" : String.join(",", values);
    }
    try {
      String value = settings.over(new ServeDefaults()).defaultValue(option);
      if (value == null && option.type() == boolean.class && option.arity().max() == 0) {
        return "false";
      }
      return value;
    } catch (Exception e) {
      return null;
    }
  }

  /** Secrets never shown: JWT secrets, PEM text, the password of a Redis or source URI. */
  static String masked(String key, String value) {
    if (key.equals("source")) {
      StringBuilder shown = new StringBuilder();
      for (String uri : value.strip().split("\\s+")) {
        String redacted;
        try {
          redacted = dev.herald.source.SourceUri.parse(uri).redacted();
        } catch (IllegalArgumentException e) {
          redacted = "(a URI that does not parse)"; // it may hold a password: the problem says what is wrong
        }
        shown.append(shown.length() == 0 ? "" : " ").append(redacted);
      }
      return shown.toString();
    }
    if (key.contains("secret")) {
      return "*** (" + value.length() + " characters)";
    }
    if (key.contains("jwt-key") && value.strip().startsWith("-----BEGIN")) {
      return "(PEM text)";
    }
    return key.equals("store") ? ServeProbes.maskedStore(value) : value;
  }
}
