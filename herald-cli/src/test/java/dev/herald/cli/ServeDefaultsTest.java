package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.Hub;
import dev.herald.log.Retention;
import dev.herald.redis.RedisLogSettings;
import dev.herald.server.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code herald serve}'s defaults are the libraries' constants: what the options hold when nothing
 * sets them, and what {@code --help} shows, with no second copy in the command.
 */
class ServeDefaultsTest {
  /** Each option whose default a library defines, and that constant. */
  private static final Map<String, Object> CONSTANTS = Map.ofEntries(
      Map.entry("--jwt-clock-skew", Hub.DEFAULT_CLOCK_SKEW),
      Map.entry("--heartbeat", HttpServer.DEFAULT_HEARTBEAT),
      Map.entry("--redis-key-prefix", RedisLogSettings.DEFAULT_PREFIX),
      Map.entry("--redis-min-replicas", RedisLogSettings.DEFAULT_MIN_REPLICAS),
      Map.entry("--subscriptions-expiry", dev.herald.redis.RedisSubscriptionRegistry.DEFAULT_EXPIRY),
      Map.entry("--retain-events", Retention.DEFAULT.maxEvents()),
      Map.entry("--retain-bytes", Retention.DEFAULT.maxBytes()),
      Map.entry("--retain-age", Retention.DEFAULT.maxAge()),
      Map.entry("--cache-size", dev.herald.hub.log.RecentCache.DEFAULT_MAX_BYTES),
      Map.entry("--max-update-size", HttpServer.DEFAULT_MAX_BODY_SIZE),
      Map.entry("--max-publish-bytes-in-flight", Hub.DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT),
      Map.entry("--max-topics", Hub.DEFAULT_MAX_TOPICS),
      Map.entry("--max-selector-length", Hub.DEFAULT_MAX_SELECTOR_LENGTH),
      Map.entry("--max-template-variables", Hub.DEFAULT_MAX_TEMPLATE_VARIABLES),
      Map.entry("--match-budget", Hub.DEFAULT_MATCH_BUDGET),
      Map.entry("--max-connections", HttpServer.DEFAULT_MAX_CONNECTIONS),
      Map.entry("--max-connections-per-ip", HttpServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
      Map.entry("--request-timeout", HttpServer.DEFAULT_REQUEST_TIMEOUT),
      Map.entry("--idle-timeout", HttpServer.DEFAULT_IDLE_TIMEOUT),
      Map.entry("--write-buffer-limit", HttpServer.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK),
      Map.entry("--replay-budget", HttpServer.DEFAULT_REPLAY_BUDGET),
      Map.entry("--replay-page-size", HttpServer.DEFAULT_REPLAY_PAGE_SIZE),
      Map.entry("--replay-stall-timeout", HttpServer.DEFAULT_REPLAY_STALL_TIMEOUT),
      Map.entry("--max-streams-per-connection", HttpServer.DEFAULT_MAX_CONCURRENT_STREAMS),
      Map.entry("--max-header-size", HttpServer.DEFAULT_MAX_HEADER_SIZE),
      Map.entry("--max-request-line", HttpServer.DEFAULT_MAX_REQUEST_LINE_LENGTH),
      Map.entry("--max-stream-events", Hub.DEFAULT_MAX_STREAM_EVENTS));

  /** {@code serve} parsed with nothing set, its defaults provided as {@code herald} provides them. */
  private static CommandLine.Model.CommandSpec serveWithNothingSet() {
    CommandLine herald = new CommandLine(new Herald());
    CommandLine serve = herald.getSubcommands().get("serve");
    serve.setDefaultValueProvider(new Settings(Map.of(), new Properties()).over(serve.getDefaultValueProvider()));
    herald.parseArgs("serve");
    return serve.getCommandSpec();
  }

  @Test
  void everyLibraryDefaultIsAServeOptionWithNoDefaultOfItsOwn() {
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.forAnnotatedObject(new ServeCommand());
    assertThat(ServeDefaults.VALUES.keySet()).isEqualTo(CONSTANTS.keySet());
    for (String option : ServeDefaults.VALUES.keySet()) {
      assertThat(spec.findOption(option)).as(option).isNotNull();
      assertThat(spec.findOption(option).defaultValue()).as("%s declares no default of its own", option).isNull();
    }
  }

  @Test
  void withNothingSetEveryOptionHoldsItsConstant() {
    CommandLine.Model.CommandSpec spec = serveWithNothingSet();
    CONSTANTS.forEach((option, constant) -> {
      Object value = spec.findOption(option).<Object>getValue();
      if (constant instanceof Number number) {
        assertThat(((Number) value).longValue()).as(option).isEqualTo(number.longValue());
      } else {
        assertThat(value).as(option).isEqualTo(constant);
      }
    });
  }

  @Test
  void theHelpShowsEachConstantAsAUserWritesIt() {
    StringWriter out = new StringWriter();
    assertThat(Herald.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(),
        "serve", "--help")).isZero();
    String help = out.toString().replaceAll("\\s+", " ");
    assertThat(help).contains(
        "--max-update-size=BYTES Largest publish request, and largest event of a streaming publish; larger gets"
            + " 413 (default: 1MiB).",
        "--max-stream-events=N Most events one streaming publish (a text/event-stream body) may carry; the next"
            + " ends it with 413 and the ones before are published (default: 1000000).",
        "--max-publish-bytes-in-flight=BYTES", "(default: 64MiB).",
        "--retain-bytes=BYTES Most bytes of update content kept (sqlite, memory); 0 = no size bound (default: 256MiB).",
        "--heartbeat=DURATION Comment sent on idle streams so proxies and clients see life (default: 20s; 0 = off).",
        "--idle-timeout=DURATION Time a connection without a stream may stay silent (default: 1m).",
        "--retain-age=DURATION Oldest update kept (sqlite); 0 = no age bound (default: 7d).",
        "--max-connections=N Most open connections; more are answered 503 (default: 50000).",
        "--max-header-size=BYTES Largest request header block; larger gets 431 (default: 16KiB).");
    // Each option's entry in the list runs from its name to the next option's.
    String options = help.substring(help.indexOf(" --listen=HOST:PORT Address"));
    ServeDefaults.VALUES.forEach((option, value) -> {
      int start = options.indexOf(" " + option + "=");
      java.util.regex.Matcher next = java.util.regex.Pattern.compile(" --[a-z-]+[=\\[]").matcher(options);
      int end = next.find(start + 1) ? next.start() : options.length();
      assertThat(options.substring(start, end)).as(option).containsPattern(
          "default: " + java.util.regex.Pattern.quote(value) + "[),;.]");
    });
  }

  @Test
  void theEnvironmentAndTheFileStillWinOverTheConstants() {
    CommandLine herald = new CommandLine(new Herald());
    CommandLine serve = herald.getSubcommands().get("serve");
    Properties file = new Properties();
    file.setProperty("max-topics", "7");
    serve.setDefaultValueProvider(new Settings(Map.of("HERALD_HEARTBEAT", "3s"), file)
        .over(serve.getDefaultValueProvider()));
    herald.parseArgs("serve");
    java.time.Duration heartbeat = serve.getCommandSpec().findOption("--heartbeat").getValue();
    assertThat(heartbeat).isEqualTo(java.time.Duration.ofSeconds(3));
    Integer maxTopics = serve.getCommandSpec().findOption("--max-topics").getValue();
    assertThat(maxTopics).isEqualTo(7);
  }
}
