package dev.herald.cli;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the subscribers of one process saw, mergeable across processes: connections, errors by
 * kind, deliveries counted after warmup, gaps and duplicates, the latency histogram. Travels between
 * a child process and its parent as one line of {@code key=value} fields ({@link #encode()}).
 */
record SubscriberTotals(long subscribers, long connected, long disconnected, long received, long delivered,
    long gaps, long duplicates, long connectionsWithGaps, long connectionsWithDuplicates,
    Map<String, Long> errors, LatencyHistogram latency) {

  static SubscriberTotals empty() {
    return new SubscriberTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>(), new LatencyHistogram());
  }

  SubscriberTotals plus(SubscriberTotals other) {
    Map<String, Long> allErrors = new TreeMap<>(errors);
    other.errors.forEach((kind, n) -> allErrors.merge(kind, n, Long::sum));
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.add(latency);
    histogram.add(other.latency);
    return new SubscriberTotals(subscribers + other.subscribers, connected + other.connected,
        disconnected + other.disconnected, received + other.received, delivered + other.delivered,
        gaps + other.gaps, duplicates + other.duplicates, connectionsWithGaps + other.connectionsWithGaps,
        connectionsWithDuplicates + other.connectionsWithDuplicates, allErrors, histogram);
  }

  /** One line without spaces in values: error kinds are percent-encoded. */
  String encode() {
    StringBuilder out = new StringBuilder()
        .append("subscribers=").append(subscribers).append(" connected=").append(connected)
        .append(" disconnected=").append(disconnected).append(" received=").append(received)
        .append(" delivered=").append(delivered).append(" gaps=").append(gaps)
        .append(" duplicates=").append(duplicates).append(" connectionsWithGaps=").append(connectionsWithGaps)
        .append(" connectionsWithDuplicates=").append(connectionsWithDuplicates)
        .append(" latency=").append(latency.encode()).append(" errors=");
    StringBuilder kinds = new StringBuilder();
    errors.forEach((kind, n) -> kinds.append(kinds.length() == 0 ? "" : ",")
        .append(java.net.URLEncoder.encode(kind, java.nio.charset.StandardCharsets.UTF_8)).append(':').append(n));
    return out.append(kinds).toString();
  }

  static SubscriberTotals decode(String line) {
    Map<String, String> fields = new TreeMap<>();
    for (String field : line.strip().split(" ")) {
      int eq = field.indexOf('=');
      fields.put(field.substring(0, eq), field.substring(eq + 1));
    }
    Map<String, Long> errors = new TreeMap<>();
    String kinds = fields.getOrDefault("errors", "");
    if (!kinds.isEmpty()) {
      for (String pair : kinds.split(",")) {
        int colon = pair.lastIndexOf(':');
        errors.merge(java.net.URLDecoder.decode(pair.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8),
            Long.parseLong(pair.substring(colon + 1)), Long::sum);
      }
    }
    return new SubscriberTotals(number(fields, "subscribers"), number(fields, "connected"),
        number(fields, "disconnected"), number(fields, "received"), number(fields, "delivered"),
        number(fields, "gaps"), number(fields, "duplicates"), number(fields, "connectionsWithGaps"),
        number(fields, "connectionsWithDuplicates"), errors, LatencyHistogram.decode(fields.get("latency")));
  }

  private static long number(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing field " + name + " in subscriber totals");
    }
    return Long.parseLong(value);
  }
}
