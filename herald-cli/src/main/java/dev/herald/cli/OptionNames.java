package dev.herald.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error messages in the words of {@code herald serve}: the hub's and server's builders name their
 * own settings ({@code writeBufferHighWaterMark must be at least 1024}), which the user never typed;
 * this maps those names to the options that set them ({@code --write-buffer-limit}).
 */
final class OptionNames {
  /** Builder method name → serve option; {@code OptionNamesTest} checks that each method exists. */
  static final Map<String, String> OPTIONS = Map.ofEntries(
      Map.entry("writeBufferHighWaterMark", "--write-buffer-limit"),
      Map.entry("maxTopicsPerSubscription", "--max-topics"),
      Map.entry("maxSelectorLength", "--max-selector-length"),
      Map.entry("maxTemplateVariables", "--max-template-variables"),
      Map.entry("matchBudget", "--match-budget"),
      Map.entry("maxConcurrentStreams", "--max-streams-per-connection"),
      Map.entry("maxConnections", "--max-connections"),
      Map.entry("maxConnectionsPerAddress", "--max-connections-per-ip"),
      Map.entry("maxRequestLineLength", "--max-request-line"),
      Map.entry("maxHeaderSize", "--max-header-size"),
      Map.entry("maxUpdateSize", "--max-update-size"),
      Map.entry("maxBodySize", "--max-update-size"),
      Map.entry("maxPublishBytesInFlight", "--max-publish-bytes-in-flight"),
      Map.entry("maxBodyBytesInFlight", "--max-publish-bytes-in-flight"),
      Map.entry("replayBudget", "--replay-budget"),
      Map.entry("replayPageSize", "--replay-page-size"),
      Map.entry("replayStallTimeout", "--replay-stall-timeout"),
      Map.entry("requestTimeout", "--request-timeout"),
      Map.entry("idleTimeout", "--idle-timeout"),
      Map.entry("flushInterval", "--flush-interval"),
      Map.entry("jwtClockSkew", "--jwt-clock-skew"),
      Map.entry("heartbeat", "--heartbeat"),
      Map.entry("corsOrigins", "--cors-origin"),
      Map.entry("publishOrigins", "--publish-origin"));
  private static final Pattern NAME = Pattern.compile("(?<!-)\\b(" + String.join("|", OPTIONS.keySet()) + ")\\b");

  private OptionNames() {
  }

  /** The message with every builder name replaced by its option (an option's name, --heartbeat, stays). */
  static String inMessage(String message) {
    if (message == null) {
      return null;
    }
    Matcher matcher = NAME.matcher(message);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(OPTIONS.get(matcher.group(1))));
    }
    return matcher.appendTail(out).toString();
  }
}
