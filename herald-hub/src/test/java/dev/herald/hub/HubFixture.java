package dev.herald.hub;

import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.auth.Tokens;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A hub on a loopback port and the calls tests make against it. */
final class HubFixture implements AutoCloseable {
  static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  final Hub hub;

  HubFixture(UnaryOperator<Hub.Builder> configure) throws InterruptedException {
    hub = configure.apply(Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret(SECRET))
        .start();
  }

  HubFixture() throws InterruptedException {
    this(builder -> builder.anonymous(true));
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + hub.address().getPort() + pathAndQuery);
  }

  /** The subscribe URI for these topic selectors. */
  URI subscribeUri(String... selectors) {
    return uri(subscribePath(selectors));
  }

  /** The subscribe path and query for these topic selectors. */
  String subscribePath(String... selectors) {
    StringJoiner query = new StringJoiner("&", Hub.PATH + "?", "");
    for (String selector : selectors) {
      query.add("topic=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
    }
    return query.toString();
  }

  static String token(List<String> publish, List<String> subscribe) {
    return Tokens.hmac(SECRET, publish, subscribe, Duration.ofHours(1), Instant.now());
  }

  static String publisherToken() {
    return token(List.of("*"), List.of());
  }

  /** POSTs a form (name, value, ...) with the given token (null: none). */
  HttpResponse<String> publish(String token, String... form) throws Exception {
    StringJoiner body = new StringJoiner("&");
    for (int i = 0; i < form.length; i += 2) {
      body.add(URLEncoder.encode(form[i], StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(Hub.PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Publishes with an all-powerful token; returns the id, failing on any other status than 200. */
  String publishOk(String... form) throws Exception {
    HttpResponse<String> response = publish(publisherToken(), form);
    if (response.statusCode() != 200) {
      throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A subscription as a blocking iterator; returns once the stream is open. That is enough: the hub
   * registers the subscription in the same event-loop task that sends the headers, and any later
   * update reaches that loop as a task queued behind it.
   */
  EventIterator subscribe(EventSource.Builder builder) throws InterruptedException {
    EventIterator events = builder.errorPolicy(ErrorPolicy.NEVER).iterator();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.readyState() != ReadyState.OPEN) {
      if (events.readyState() == ReadyState.CLOSED || System.nanoTime() > deadline) {
        events.close();
        throw new AssertionError("the subscription did not open: " + events.readyState());
      }
      Thread.sleep(2);
    }
    return events;
  }

  EventIterator subscribe(String... selectors) throws InterruptedException {
    return subscribe(EventSource.builder(subscribeUri(selectors)));
  }

  void awaitSubscribers(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (hub.subscribers() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + hub.subscribers() + " of " + count + " subscribers registered");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    hub.close();
  }
}
