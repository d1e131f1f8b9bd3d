package dev.herald.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herald config}: the configuration file of {@code herald serve}. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Writes and checks the configuration of 'herald serve'.",
    subcommands = {ConfigCommand.Init.class, ConfigCheck.class})
final class ConfigCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: show them, and fail as bad usage. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code herald config init}: prints the starter file ({@link StarterConfig}). */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = "Prints a commented configuration file for 'herald serve --config FILE' with every option,"
          + " its description and its default, e.g. herald config init > herald.properties")
  static final class Init implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(StarterConfig.render(new Herald.Version().getVersion()[0]));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
