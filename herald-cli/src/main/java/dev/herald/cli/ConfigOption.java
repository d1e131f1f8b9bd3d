package dev.herald.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option shared by the commands that read {@link Settings}; the file is
 * read before parsing (see {@link Settings#load}), this declaration documents it and accepts it.
 */
final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with option values, e.g. jwt-secret=... (also HERALD_CONFIG).")
  String path;
}
