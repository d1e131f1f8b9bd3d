package dev.herald.cli;

import dev.herald.hub.auth.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald token}: prints a Mercure JWT. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Prints a Mercure JWT (HS256) allowing the given topic selectors. "
        + "The secret can also come from HERALD_JWT_SECRET.")
final class TokenCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  private ConfigOption config;

  @Option(names = "--jwt-secret", paramLabel = "SECRET", required = true,
      description = "The hub's HMAC secret (>= 32 bytes).")
  private String jwtSecret;

  @Option(names = "--publish", paramLabel = "SELECTOR", arity = "1..*",
      description = "Topic selectors the token may publish to (*, exact, or URI template).")
  private List<String> publish = new ArrayList<>();

  @Option(names = "--subscribe", paramLabel = "SELECTOR", arity = "1..*",
      description = "Topic selectors whose private updates the token may receive.")
  private List<String> subscribe = new ArrayList<>();

  @Option(names = "--ttl", paramLabel = "DURATION", converter = Durations.class, defaultValue = "1h",
      description = "Lifetime (default: ${DEFAULT-VALUE}).")
  private Duration ttl;

  @Option(names = "--no-expiry", description = "Issue a token that never expires.")
  private boolean noExpiry;

  @Override
  public Integer call() {
    if (publish.isEmpty() && subscribe.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --publish and/or --subscribe selectors");
    }
    if (jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--jwt-secret must be at least 32 bytes (256 bits) for HS256");
    }
    spec.commandLine().getOut().println(
        Tokens.hmac(jwtSecret, publish, subscribe, noExpiry ? null : ttl, Instant.now()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
