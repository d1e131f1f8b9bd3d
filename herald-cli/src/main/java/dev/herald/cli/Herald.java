package dev.herald.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command: the entry point of the runnable jar. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = Herald.Version.class,
    description = "Herald: a Server-Sent Events hub and toolkit.",
    subcommands = {ServeCommand.class, PublishCommand.class, SubscribeCommand.class, RelayCommand.class,
        TokenCommand.class, BenchCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Herald implements Callable<Integer> {
  /** The commands whose options also come from the environment and the config file. */
  private static final List<String> SETTINGS_COMMANDS = List.of("serve", "publish", "relay", "token");

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    nettyDefaults();
    PrintWriter out = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    System.exit(run(out, err, args));
  }

  /**
   * Netty settings for a hub process, unless given with {@code -D}: set before any Netty class loads.
   * The sampled leak detector (Netty's default) records a stack trace for every retained duplicate
   * of a sampled buffer, which for a chunk fanned out to thousands of subscribers is a latency spike
   * in one update of 128 (the tests run it in paranoid mode instead). Measured at 10,000 subscribers:
   * 653,000 deliveries/s with it, 779,000 without. (A larger per-thread object pool,
   * {@code io.netty.recycler.maxCapacityPerThread=65536}, cut that to 480,000: not set.)
   */
  static void nettyDefaults() {
    defaultProperty("io.netty.leakDetection.level", "disabled");
  }

  private static void defaultProperty(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }

  /** Runs the command line with the given streams; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** As {@link #run(PrintWriter, PrintWriter, String...)}, with the environment given (for tests). */
  static int run(PrintWriter out, PrintWriter err, java.util.Map<String, String> environment, String... args) {
    Settings settings;
    try {
      settings = Settings.load(args, environment);
    } catch (CommandLine.PicocliException e) {
      err.println("herald: " + e.getMessage());
      return 2;
    }
    return commandLine(out, err, settings).execute(args);
  }

  /**
   * The {@code herald} command line, its settings commands reading {@code settings} for what the
   * arguments do not give, ready to {@code execute} (or to {@code parseArgs}, in tests).
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Settings settings) {
    CommandLine commandLine = new CommandLine(new Herald())
        .setOut(out)
        .setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false); // --data @FILE is ours, like curl's, not picocli's argument file
    HelpWrapping.install(commandLine);
    for (String name : SETTINGS_COMMANDS) {
      CommandLine command = commandLine.getSubcommands().get(name);
      command.setDefaultValueProvider(settings.over(command.getDefaultValueProvider()));
    }
    // After parsing, before running: a typo in a settings name is bad usage, like one in a flag.
    commandLine.setExecutionStrategy(parsed -> {
      CommandLine.ParseResult command = parsed.subcommand();
      if (command != null && SETTINGS_COMMANDS.contains(command.commandSpec().name())
          && !command.isUsageHelpRequested() && !command.isVersionHelpRequested()) {
        List<String> problems = settings.unknownNames(optionNames(commandLine));
        if (!problems.isEmpty()) {
          problems.forEach(problem -> err.println("herald: " + problem));
          return 2;
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("herald: " + e.getMessage());
      return 1;
    });
    commandLine.setParameterExceptionHandler((e, parsedArgs) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("herald: " + e.getMessage());
      if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
        String hint = UnknownOptionHint.of(cmd, unmatched.getUnmatched());
        if (hint != null) {
          cmd.getErr().println("herald: " + hint);
        }
      }
      cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    return commandLine;
  }

  /** The long option names (no dashes) of every command that reads {@link Settings}. */
  static Set<String> optionNames(CommandLine herald) {
    Set<String> names = new TreeSet<>();
    for (String command : SETTINGS_COMMANDS) {
      for (CommandLine.Model.OptionSpec option : herald.getSubcommands().get(command).getCommandSpec().options()) {
        if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config")) {
          names.add(option.longestName().replaceFirst("^-+", ""));
        }
      }
    }
    return names;
  }

  /** Without a command: show what there is, and fail as bad usage. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /**
   * The version, git commit and build date the build wrote into {@code build.properties}
   * (herald-cli/pom.xml); {@code unknown} for what it could not tell (no git) or when the classes run
   * without the build's resources.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.Properties build = new java.util.Properties();
      try (java.io.InputStream in = Herald.class.getResourceAsStream("build.properties")) {
        if (in != null) {
          build.load(in);
        }
      } catch (java.io.IOException e) {
        // unknown below: --version must answer
      }
      return new String[] {"herald " + value(build, "version") + " (commit " + value(build, "commit") + ", built "
          + value(build, "date") + ")"};
    }

    /** The value, or {@code unknown} when absent or never filled in (a resource copied unfiltered). */
    static String value(java.util.Properties build, String name) {
      String value = build.getProperty(name, "").strip();
      return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
    }
  }
}
