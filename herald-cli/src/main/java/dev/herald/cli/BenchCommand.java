package dev.herald.cli;

import dev.herald.hub.auth.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald bench}: options and their checks; {@link BenchRun} does the run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Load-tests an SSE hub on this machine (Herald, any Mercure hub, nchan, ...): N subscribers, "
        + "a publisher at a fixed rate, then one JSON line on stdout with delivery ratio, gaps, duplicates, "
        + "latency percentiles and, with --server-pid, the hub's CPU and memory. Progress goes to stderr. "
        + "Loopback URLs only.",
    footerHeading = "%nExit codes:%n",
    footer = {"  0  the run completed (read the JSON for gaps and errors)",
        "  1  no subscriber connected, or a fatal error", "  2  bad options"})
final class BenchCommand implements Callable<Integer> {
  /** One process keeps below the open-file limit of 20,000 here. */
  static final int DEFAULT_MAX_SUBSCRIBERS = 19_000;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--subscribe-url", paramLabel = "TEMPLATE", required = true,
      description = "Subscription URL; {topic} becomes the topic number: ?topic=bench-{topic} after a Mercure"
          + " hub's URL (e.g. http://127.0.0.1:8080/.well-known/mercure).")
  String subscribeUrl;

  @Option(names = "--publish-url", paramLabel = "TEMPLATE",
      description = "Publish URL, e.g. http://127.0.0.1:8080/.well-known/mercure, or "
          + "http://127.0.0.1:8081/pub?id=bench-{topic} for nchan. Required except with --child.")
  String publishUrl;

  @Option(names = "--publish-format", paramLabel = "mercure|raw", defaultValue = "mercure",
      description = "mercure: form body topic=<--topic-template>&data=<payload>; raw: the payload as a "
          + "text/plain body (default: ${DEFAULT-VALUE}).")
  BenchTargets.Format publishFormat;

  @Option(names = "--topic-template", paramLabel = "TEMPLATE", defaultValue = "bench-{topic}",
      description = "Topic name in a Mercure publish; must match the subscribe URL's topic (default: ${DEFAULT-VALUE}).")
  String topicTemplate;

  @Option(names = "--token", paramLabel = "JWT", description = "Publisher token (Authorization: Bearer).")
  String token;

  @Option(names = "--jwt-secret", paramLabel = "SECRET",
      description = "Sign a publisher token for '*' with this HMAC secret (>= 32 bytes).")
  String jwtSecret;

  @Option(names = "--subscribers", paramLabel = "N", defaultValue = "100", description = "Subscribers (default: ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(names = "--topics", paramLabel = "T", defaultValue = "1",
      description = "Topics; subscriber i takes topic i %% T, the publisher goes round-robin unless --random-topics "
          + "(default: ${DEFAULT-VALUE}).")
  int topics;

  @Option(names = "--random-topics",
      description = "Publish each update to a topic drawn at random (a fixed seed) instead of going round the topics.")
  boolean randomTopics;

  @Option(names = "--stream-publish",
      description = "Publish each topic's updates as the events of one streaming publish (a POST with a"
          + " text/event-stream body held open for the run, as an LLM answer is) instead of one POST each;"
          + " Herald only. The hub acknowledges a stream's updates when it ends, after the run.")
  boolean streamPublish;

  @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "100",
      description = "Updates per second, all topics together (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10s",
      description = "Measured publishing time, after the warmup (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "DURATION", converter = Durations.class, defaultValue = "2s",
      description = "Publishing before measuring; those updates are not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--drain", paramLabel = "DURATION", converter = Durations.class, defaultValue = "2s",
      description = "Longest wait for deliveries after the last publish (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "100",
      description = "Payload size; at least the ~30 bytes of topic, sequence and timestamp (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "64",
      description = "Publishes awaiting their answer at once; when all are waiting the publisher falls behind "
          + "(publisherLate, publisherLagMax) (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--event-loops", paramLabel = "K", description = "Subscriber I/O threads per process (default: cores).")
  Integer eventLoops;

  @Option(names = "--source-addresses", paramLabel = "M", defaultValue = "1",
      description = "Bind subscribers round-robin to 127.0.0.1..127.0.0.M, for more than ~28,000 "
          + "connections to one port (default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(names = "--server-pid", paramLabel = "PID",
      description = "The hub's process id: report its CPU and resident memory (Linux /proc).")
  Long serverPid;

  @Option(names = "--connect-rate", paramLabel = "PER_SECOND", defaultValue = "2000",
      description = "New connections per second, all processes together (default: ${DEFAULT-VALUE}).")
  double connectRate;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "30s",
      description = "Longest wait for the subscriptions to open after the last attempt (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--processes", paramLabel = "K", defaultValue = "1",
      description = "Spread the subscribers over K child JVMs; the publisher stays here (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--max-subscribers", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_SUBSCRIBERS,
      description = "Refuse more subscribers per process than this (default: ${DEFAULT-VALUE}, under an "
          + "open-file limit of 20,000).")
  int maxSubscribers;

  @Option(names = "--reconnect-storm",
      description = "Instead of a timed run: the subscribers receive --updates-before updates, all disconnect, "
          + "--updates-missed more are published, then all reconnect at once with Last-Event-ID; reports how many "
          + "received exactly what they missed, in order, and how long recovery took. Publishes one at a time at "
          + "--rate; waits up to --drain for recovery. One process only.")
  boolean reconnectStorm;

  @Option(names = "--updates-before", paramLabel = "N", defaultValue = "100",
      description = "With --reconnect-storm: updates received before the disconnection (default: ${DEFAULT-VALUE}).")
  int updatesBefore;

  @Option(names = "--updates-missed", paramLabel = "N", defaultValue = "200",
      description = "With --reconnect-storm: updates published while disconnected (default: ${DEFAULT-VALUE}).")
  int updatesMissed;

  @Option(names = "--storms", paramLabel = "N", defaultValue = "1",
      description = "With --reconnect-storm: storms in a row, each disconnecting everyone, publishing "
          + "--updates-missed and reconnecting (the first also pays for this JVM's warm-up) (default: ${DEFAULT-VALUE}).")
  int storms;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Option(names = "--child", hidden = true, description = "Internal: run subscribers for a parent bench.")
  boolean child;

  @Option(names = "--first-subscriber", hidden = true, defaultValue = "0", description = "Internal.")
  int firstSubscriber;

  @Override
  public Integer call() throws Exception {
    check();
    if (child) {
      return new BenchChild(this).run();
    }
    if (reconnectStorm) {
      return new ReconnectStorm(this).run();
    }
    return new BenchRun(this).run();
  }

  /** Subscribers per process, the last taking the remainder. */
  int perProcess() {
    return (subscribers + processes - 1) / processes;
  }

  int loops() {
    return eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  BenchTargets targets() {
    return new BenchTargets(subscribeUrl, publishUrl == null ? subscribeUrl : publishUrl, topicTemplate, publishFormat);
  }

  /** The bearer token to publish with, or null (raw publishing without one). */
  String publisherToken() {
    return token != null ? token : jwtSecret == null ? null
        : Tokens.hmac(jwtSecret, List.of("*"), List.of(), warmup.plus(duration).plusHours(1), Instant.now());
  }

  private void check() {
    require(subscribers >= 1, "--subscribers must be at least 1");
    require(topics >= 1 && topics <= 100_000, "--topics must be between 1 and 100000");
    require(rate > 0 && rate <= 1_000_000, "--rate must be above 0 and at most 1000000");
    require(!duration.isZero() && duration.compareTo(Duration.ofDays(1)) <= 0, "--duration must be above 0 and at most 1d");
    require(warmup.compareTo(Duration.ofHours(1)) <= 0, "--warmup must be at most 1h");
    require(drain.compareTo(Duration.ofMinutes(10)) <= 0, "--drain must be at most 10m");
    require(payload >= 0 && payload <= 1 << 20, "--payload must be between 0 and 1048576 bytes");
    require(loops() >= 1 && loops() <= 1024, "--event-loops must be between 1 and 1024");
    require(sourceAddresses >= 1 && sourceAddresses <= 254, "--source-addresses must be between 1 and 254");
    require(connectRate > 0, "--connect-rate must be above 0");
    require(maxInFlight >= 1 && maxInFlight <= 10_000, "--max-in-flight must be between 1 and 10000");
    require(processes >= 1 && processes <= 64 && processes <= subscribers, "--processes must be between 1 and 64, and at most --subscribers");
    require(perProcess() <= maxSubscribers, perProcess() + " subscribers in one process is more than --max-subscribers "
        + maxSubscribers + " (each needs a file descriptor; the open-file limit is usually 20,000 here): use "
        + "--processes " + ((subscribers + maxSubscribers - 1) / maxSubscribers) + " to spread them over child JVMs, "
        + "or run several herald bench processes and add up their results");
    require(child || publishUrl != null, "give --publish-url");
    require(!reconnectStorm || processes == 1, "--reconnect-storm runs in one process: drop --processes");
    require(!streamPublish || publishFormat == BenchTargets.Format.MERCURE && !reconnectStorm,
        "--stream-publish needs --publish-format mercure (a Herald hub) and no --reconnect-storm");
    require(updatesBefore >= 1 && updatesBefore <= 1_000_000, "--updates-before must be between 1 and 1000000");
    require(storms >= 1 && storms <= 100, "--storms must be between 1 and 100");
    require(updatesMissed >= 1 && updatesMissed <= 1_000_000, "--updates-missed must be between 1 and 1000000");
    String problem = BenchTargets.checkLoopback("--subscribe-url", subscribeUrl);
    if (problem == null && publishUrl != null) {
      problem = BenchTargets.checkLoopback("--publish-url", publishUrl);
    }
    require(problem == null, problem);
    if (!child) {
      require(token != null || jwtSecret != null || publishFormat == BenchTargets.Format.RAW,
          "Mercure publishing needs a publisher token: give --token or --jwt-secret");
      require(jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length >= 32,
          "--jwt-secret must be at least 32 bytes (256 bits) for HS256");
      require(serverPid == null || ServerStats.readable(serverPid), "--server-pid " + serverPid + ": no such process in /proc");
    }
  }

  private void require(boolean condition, String message) {
    if (!condition) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
