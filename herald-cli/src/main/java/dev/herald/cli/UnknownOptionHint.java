package dev.herald.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A "did you mean" for an option a command does not have: {@code --port 9090} on {@code serve}
 * (which listens with {@code --listen HOST:PORT}) becomes {@code --listen :9090}; any other long
 * option gets the command's nearest one, when it is near ({@link ClosestName}).
 */
final class UnknownOptionHint {
  /** Farther than this, a suggestion is noise. */
  private static final int MAX_DISTANCE = 3;

  private UnknownOptionHint() {
  }

  /** The hint for the unmatched arguments of {@code command}, or null. */
  static String of(CommandLine command, List<String> unmatched) {
    if (unmatched.isEmpty()) {
      return null;
    }
    String first = unmatched.get(0);
    CommandLine.Model.CommandSpec spec = command.getCommandSpec();
    if (spec.findOption("--listen") != null && (first.equals("--port") || first.startsWith("--port="))) {
      String port = first.startsWith("--port=") ? first.substring("--port=".length())
          : unmatched.size() > 1 ? unmatched.get(1) : "PORT";
      return "did you mean --listen :" + port + "? (--listen HOST:PORT; :" + port + " is every interface)";
    }
    if (!first.startsWith("--") || first.length() < 3) {
      return null;
    }
    String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
    List<String> names = new ArrayList<>();
    for (CommandLine.Model.OptionSpec option : spec.options()) {
      names.add(option.longestName());
    }
    String closest = ClosestName.of(name, names);
    return closest != null && closest.startsWith("--") && ClosestName.distance(name, closest) <= MAX_DISTANCE
        ? "did you mean " + closest + "?" : null;
  }
}
