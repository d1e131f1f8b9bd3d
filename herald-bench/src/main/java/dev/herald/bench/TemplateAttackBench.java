package dev.herald.bench;

import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.Hub;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What pathological URI template selectors held by anonymous subscribers cost everyone else: the
 * publish-to-delivery latency of a {@code *} subscriber for updates on 1,000-character topics, first
 * on a quiet hub, then with 2,000 distinct templates of the most variables allowed (40 connections x
 * 50 selectors, none refused early by a literal prefix or suffix): first templates whose inner
 * literal is not in the topic, then templates that all match it (each runs over the whole topic).
 * Updates are published back to back, so each one meets the matching work of the one before. One
 * hub in this JVM:
 * <pre>
 * java -cp herald-bench/target/benchmarks.jar dev.herald.bench.TemplateAttackBench [updates]
 * </pre>
 */
public final class TemplateAttackBench {
  private static final String SECRET = "template-bench-secret-long-enough!!!!";
  private static final int CONNECTIONS = 40;
  private static final int SELECTORS_PER_CONNECTION = 50;

  private TemplateAttackBench() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    String topic = "e/" + "y".repeat(1_000);
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET).anonymous(true)
        .start()) {
      String base = "http://127.0.0.1:" + hub.address().getPort() + Hub.PATH;
      String star = base + "?topic=*";
      long[] baseline = LatencyProbe.run(base, star, topic, SECRET, count, count / 2);
      System.out.println("baseline (no templates)           " + LatencyProbe.percentiles(baseline));
      // templates that do not match: refused by looking for their literal text in the topic
      attack(base, star, topic, count, baseline, "2,000 templates, literal absent  ", n -> "Q" + n + "{j}");
      // templates that match: each runs its automaton over the whole topic (the worst case)
      attack(base, star, topic, count, baseline, "2,000 templates that all match  ", n -> "y{j" + n + "}");
    }
  }

  private static void attack(String base, String star, String topic, int count, long[] baseline, String name,
      java.util.function.IntFunction<String> tail) throws Exception {
    List<EventSource> attackers = new ArrayList<>();
    try {
      for (int c = 0; c < CONNECTIONS; c++) {
        StringBuilder query = new StringBuilder(base).append('?');
        for (int s = 0; s < SELECTORS_PER_CONNECTION; s++) {
          String selector = "e/{a}{b}{c}{d}{e}{f}{g}{h}{i}" + tail.apply(c * SELECTORS_PER_CONNECTION + s);
          query.append(s == 0 ? "" : "&").append("topic=").append(URLEncoder.encode(selector, StandardCharsets.UTF_8));
        }
        EventSource attacker = EventSource.builder(URI.create(query.toString())).listener(event -> { }).build().start();
        attackers.add(attacker);
        while (attacker.readyState() != ReadyState.OPEN) {
          Thread.sleep(2);
        }
      }
      long[] attacked = LatencyProbe.run(base, star, topic, SECRET, count, count / 2);
      System.out.printf("%s %s  p99 over the baseline: %d us%n", name, LatencyProbe.percentiles(attacked),
          attacked[count * 99 / 100] - baseline[count * 99 / 100]);
    } finally {
      attackers.forEach(EventSource::close);
    }
  }
}
