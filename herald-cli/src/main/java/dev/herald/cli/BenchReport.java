package dev.herald.cli;

import dev.herald.hub.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The final line of {@code herald bench}: one JSON object, keys in insertion order. */
final class BenchReport {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  BenchReport put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  static BenchReport latency(LatencyHistogram histogram) {
    return new BenchReport().put("p50", histogram.percentile(0.50)).put("p90", histogram.percentile(0.90))
        .put("p99", histogram.percentile(0.99)).put("p999", histogram.percentile(0.999))
        .put("max", histogram.max()).put("count", histogram.count());
  }

  static BenchReport of(Map<String, Long> counts) {
    BenchReport object = new BenchReport();
    counts.forEach(object::put);
    return object;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    fields.forEach((key, value) -> {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(Json.string(key)).append(':').append(render(value));
    });
    return out.append('}').toString();
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0")
          : "null";
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof BenchReport) {
      return value.toString();
    }
    if (value instanceof java.util.List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object item : list) {
        out.append(out.length() > 1 ? "," : "").append(render(item));
      }
      return out.append(']').toString();
    }
    return Json.string(value.toString());
  }
}
