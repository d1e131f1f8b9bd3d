package dev.herald.hub;

import static dev.herald.hub.HubFixture.SECRET;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.log.Update;
import dev.herald.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Who receives which update, by the Mercure rules: a subscriber gets a public update when one of its
 * {@code topic} selectors matches one of the update's topics; a private update only when, besides,
 * one of its token's {@code mercure.subscribe} selectors matches one of the update's topics (not
 * necessarily the same one: that is Mercure's rule for alternate topics). Topics, selectors, tokens
 * and updates are random; the expected deliveries come from {@link Rules}, a model written here
 * independently of the hub's matcher; live delivery and replay are both checked, exactly (nothing
 * missing, nothing extra, in publish order).
 */
class AuthorizationPropertiesTest {
  private static final String BASE = "https://example.com/";
  /** Topics, some with characters that URI templates must not let through. */
  private static final List<String> TOPICS = topics();
  /** Selectors beyond the topics themselves (which are exact selectors) and {@code *}. */
  private static final List<String> TEMPLATES = List.of(BASE + "a/{id}", BASE + "b/{id}", BASE + "c/{id}",
      BASE + "{section}/1", BASE + "{+path}", BASE + "d/{id}");
  /** Every subscriber also selects this topic, which no random update has: its update ends a reading. */
  private static final String MARKER = "urn:herald:test:marker";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private static List<String> topics() {
    List<String> topics = new ArrayList<>();
    for (String section : List.of("a", "b", "c")) {
      for (int id = 1; id <= 4; id++) {
        topics.add(BASE + section + "/" + id);
      }
    }
    topics.addAll(List.of(
        BASE + "a/%C3%A9t%C3%A9", // %-encoded: a template variable may hold it
        BASE + "a/été", // raw non-ASCII: no template variable expands to it
        BASE + "a/x y", BASE + "a/1/comments", BASE + "a/", BASE + "b/1?x=1&y=2", BASE + "b/1,2",
        BASE + "c/a+b=c", BASE + "c/%zz", BASE + "c/~user_1.json", BASE + "a/1#frag",
        "HTTPS://EXAMPLE.COM/a/1", "urn:example:a:1", "a"));
    return List.copyOf(topics);
  }

  @Test
  void liveSubscribersReceiveExactlyTheUpdatesTheRulesAllow() {
    Trials.run(2, random -> {
      Scenario scenario = Scenario.random(random);
      try (HubFixture fixture = new HubFixture()) {
        List<EventIterator> streams = new ArrayList<>();
        try {
          for (SubscriberSpec subscriber : scenario.subscribers) {
            streams.add(fixture.subscribe(subscriber.source(fixture, null)));
          }
          fixture.awaitSubscribers(streams.size());
          List<Published> published = scenario.publish(fixture);
          String marker = fixture.publishOk("topic", MARKER, "data", "marker");
          for (int i = 0; i < streams.size(); i++) {
            SubscriberSpec subscriber = scenario.subscribers.get(i);
            assertReceivedExactly(subscriber, "live", readUntil(streams.get(i), marker),
                Rules.allowed(subscriber, published), published);
          }
        } finally {
          streams.forEach(EventIterator::close);
        }
      }
    });
  }

  @Test
  void replayFromEarliestDeliversExactlyTheUpdatesTheRulesAllow() {
    Trials.run(2, random -> {
      Scenario scenario = Scenario.random(random);
      try (HubFixture fixture = new HubFixture()) {
        List<Published> published = scenario.publish(fixture);
        String marker = fixture.publishOk("topic", MARKER, "data", "marker");
        for (SubscriberSpec subscriber : scenario.subscribers) {
          // Both ways of asking for all history: the query parameter and the header.
          String cursor = random.nextBoolean() ? "query" : "header";
          try (EventIterator events = fixture.subscribe(subscriber.source(fixture, cursor))) {
            assertReceivedExactly(subscriber, "replay from earliest (" + cursor + ")", readUntil(events, marker),
                Rules.allowed(subscriber, published), published);
          }
        }
      }
    });
  }

  @Test
  void replayFromAnIdDeliversExactlyTheAllowedUpdatesAfterIt() {
    Trials.run(2, random -> {
      Scenario scenario = Scenario.random(random);
      try (HubFixture fixture = new HubFixture()) {
        List<Published> published = scenario.publish(fixture);
        String marker = fixture.publishOk("topic", MARKER, "data", "marker");
        for (SubscriberSpec subscriber : scenario.subscribers) {
          // Any update may be the cursor, also a private one this subscriber was never allowed to see.
          int from = random.nextInt(published.size());
          List<Published> after = published.subList(from + 1, published.size());
          EventSource.Builder source = subscriber.source(fixture, null).lastEventId(published.get(from).id());
          try (EventIterator events = fixture.subscribe(source)) {
            assertReceivedExactly(subscriber, "replay after " + published.get(from), readUntil(events, marker),
                Rules.allowed(subscriber, after), published);
          }
        }
      }
    });
  }

  /** The events up to (without) the marker, waiting for it at most {@link #PATIENCE}. */
  private static List<SseEvent> readUntil(EventIterator events, String markerId) {
    List<SseEvent> received = new ArrayList<>();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      SseEvent event = left > 0 ? events.poll(Duration.ofNanos(left)) : null;
      if (event == null) {
        throw new AssertionError("the marker did not arrive within " + PATIENCE + " (state "
            + events.readyState() + "); received before it: " + received.stream().map(SseEvent::id).toList());
      }
      if (event.id().equals(markerId)) {
        return received;
      }
      received.add(event);
    }
  }

  /** {@code received} must be {@code expected}, in order; {@code published} explains any difference. */
  private static void assertReceivedExactly(SubscriberSpec subscriber, String how, List<SseEvent> received,
      List<Published> expected, List<Published> published) {
    List<String> receivedIds = received.stream().map(SseEvent::id).toList();
    List<String> expectedIds = expected.stream().map(Published::id).toList();
    if (receivedIds.equals(expectedIds)) {
      for (int i = 0; i < received.size(); i++) { // and not mangled on the way
        if (!received.get(i).data().equals(expected.get(i).data())) {
          throw new AssertionError(how + ": " + subscriber + " got data '" + received.get(i).data()
              + "' for " + expected.get(i));
        }
      }
      return;
    }
    Map<String, Published> byId = published.stream().collect(Collectors.toMap(Published::id, p -> p));
    List<Object> extra = receivedIds.stream().filter(id -> !expectedIds.contains(id))
        .map(id -> byId.containsKey(id) ? byId.get(id) : id).toList();
    List<Published> missing = expected.stream().filter(p -> !receivedIds.contains(p.id())).toList();
    throw new AssertionError(how + ": " + subscriber + "\n  received but not allowed: " + extra
        + "\n  allowed but not received: " + missing
        + (extra.isEmpty() && missing.isEmpty() ? "\n  same updates, wrong order: " + receivedIds : ""));
  }

  /** One generated case: the subscribers and the updates to publish. */
  private record Scenario(List<SubscriberSpec> subscribers, List<Update> updates) {
    static Scenario random(SplittableRandom random) {
      List<SubscriberSpec> subscribers = new ArrayList<>();
      for (int i = random.nextInt(16, 25); i > 0; i--) {
        subscribers.add(SubscriberSpec.random(random));
      }
      List<Update> updates = new ArrayList<>();
      for (int i = random.nextInt(100, 251); i > 0; i--) {
        updates.add(new Update(null, pick(random, TOPICS, 1, 3), "update-" + updates.size(),
            random.nextInt(10) < 4, null, null));
      }
      return new Scenario(List.copyOf(subscribers), List.copyOf(updates));
    }

    /** Publishes every update in order; returns them with the ids the hub gave. */
    List<Published> publish(HubFixture fixture) throws Exception {
      List<Published> published = new ArrayList<>();
      for (Update update : updates) {
        List<String> form = new ArrayList<>();
        for (String topic : update.topics()) {
          form.addAll(List.of("topic", topic));
        }
        form.addAll(List.of("data", update.data()));
        if (update.isPrivate()) {
          form.addAll(List.of("private", "on"));
        }
        String id = fixture.publishOk(form.toArray(String[]::new));
        published.add(new Published(id, update.topics(), update.data(), update.isPrivate()));
      }
      return published;
    }
  }

  private record Published(String id, List<String> topics, String data, boolean isPrivate) {
    @Override
    public String toString() {
      return (isPrivate ? "private " : "public ") + id + " " + topics;
    }
  }

  /** How a subscriber's token looks, from none at all to a list of selectors. */
  private enum TokenKind { NONE, NO_MERCURE_CLAIM, NO_SUBSCRIBE_CLAIM, EMPTY_SUBSCRIBE, SUBSCRIBE_LIST }

  /** Where the token travels. */
  private enum Carrier { HEADER, QUERY, COOKIE }

  private record SubscriberSpec(List<String> selectors, TokenKind kind, List<String> subscribe, Carrier carrier) {
    static SubscriberSpec random(SplittableRandom random) {
      TokenKind kind = TokenKind.values()[random.nextInt(TokenKind.values().length)];
      List<String> subscribe = kind == TokenKind.SUBSCRIBE_LIST ? randomSelectors(random) : List.of();
      return new SubscriberSpec(randomSelectors(random), kind, subscribe,
          Carrier.values()[random.nextInt(Carrier.values().length)]);
    }

    /** The subscription; {@code earliest} is null (no cursor), "query" or "header". */
    EventSource.Builder source(HubFixture fixture, String earliest) {
      List<String> topics = new ArrayList<>(selectors);
      topics.add(MARKER);
      String path = fixture.subscribePath(topics.toArray(String[]::new));
      String token = token();
      if (token != null && carrier == Carrier.QUERY) {
        path += "&authorization=" + token;
      }
      if ("query".equals(earliest)) {
        path += "&lastEventID=earliest";
      }
      EventSource.Builder source = EventSource.builder(fixture.uri(path));
      if (token != null && carrier == Carrier.HEADER) {
        source.header("Authorization", "Bearer " + token);
      }
      if (token != null && carrier == Carrier.COOKIE) {
        source.header("Cookie", "mercureAuthorization=" + token);
      }
      if ("header".equals(earliest)) {
        source.lastEventId("earliest");
      }
      return source;
    }

    private String token() {
      return switch (kind) {
        case NONE -> null;
        case NO_MERCURE_CLAIM -> sign(null);
        case NO_SUBSCRIBE_CLAIM -> sign(Map.of("publish", List.of("*")));
        case EMPTY_SUBSCRIBE, SUBSCRIBE_LIST ->
            Tokens.hmac(SECRET, List.of(), subscribe, Duration.ofHours(1), Instant.now());
      };
    }

    private static String sign(Map<String, Object> mercure) {
      JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
          .expirationTime(new Date(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)));
      if (mercure != null) {
        claims.claim("mercure", new LinkedHashMap<>(mercure));
      }
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      try {
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }

    @Override
    public String toString() {
      return "subscriber " + selectors + " with token " + kind
          + (kind == TokenKind.SUBSCRIBE_LIST ? " " + subscribe : "") + " in the " + carrier;
    }
  }

  private static List<String> randomSelectors(SplittableRandom random) {
    List<String> pool = new ArrayList<>(TOPICS);
    pool.addAll(TEMPLATES);
    List<String> selectors = pick(random, pool, 1, 3);
    if (random.nextInt(12) == 0) {
      selectors.add("*");
    }
    return selectors;
  }

  private static List<String> pick(SplittableRandom random, List<String> from, int min, int max) {
    List<String> picked = new ArrayList<>();
    for (int n = random.nextInt(min, max + 1); picked.size() < n; ) {
      String item = from.get(random.nextInt(from.size()));
      if (!picked.contains(item)) {
        picked.add(item);
      }
    }
    return picked;
  }

  /**
   * The Mercure rules, written out plainly. Selectors here are {@code *}, exact strings, or
   * templates with one expression, {@code {var}} (unreserved characters, %-escapes, and commas
   * joining a list value) or {@code {+var}} (reserved characters as well), possibly empty.
   */
  static final class Rules {
    private static final String UNRESERVED_PUNCTUATION = "-._~";
    private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

    private Rules() {}

    static List<Published> allowed(SubscriberSpec subscriber, List<Published> updates) {
      return updates.stream().filter(update -> receives(subscriber, update)).toList();
    }

    static boolean receives(SubscriberSpec subscriber, Published update) {
      return anyMatches(subscriber.selectors(), update.topics())
          && (!update.isPrivate() || anyMatches(subscriber.subscribe(), update.topics()));
    }

    static boolean anyMatches(List<String> selectors, List<String> topics) {
      return selectors.stream().anyMatch(selector -> topics.stream().anyMatch(topic -> matches(selector, topic)));
    }

    static boolean matches(String selector, String topic) {
      if (selector.equals("*")) {
        return true;
      }
      int open = selector.indexOf('{');
      if (open < 0) {
        return selector.equals(topic);
      }
      int close = selector.indexOf('}', open);
      boolean reserved = selector.charAt(open + 1) == '+';
      String prefix = selector.substring(0, open);
      String suffix = selector.substring(close + 1);
      return topic.length() >= prefix.length() + suffix.length() && topic.startsWith(prefix)
          && topic.endsWith(suffix)
          && expandsTo(topic.substring(prefix.length(), topic.length() - suffix.length()), reserved);
    }

    /** Whether some value of a variable expands to exactly {@code text}. */
    private static boolean expandsTo(String text, boolean reserved) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '%') {
          if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
            return false;
          }
          i += 2;
        } else if (!(isAsciiLetterOrDigit(c) || UNRESERVED_PUNCTUATION.indexOf(c) >= 0 || c == ','
            || reserved && RESERVED.indexOf(c) >= 0)) {
          return false;
        }
      }
      return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
      return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
  }
}
