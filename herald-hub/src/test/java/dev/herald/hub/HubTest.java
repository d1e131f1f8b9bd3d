package dev.herald.hub;

import static dev.herald.hub.HubFixture.publisherToken;
import static dev.herald.hub.HubFixture.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The hub's Mercure API end to end: a real server on a loopback port, Herald's client, the JDK's. */
class HubTest {
  private static final String BOOK = "https://example.com/books/1";
  private static final Duration QUIET = Duration.ofMillis(300);
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Nested
  class Routing {
    @Test
    void exactTopicReceivesItsUpdateWithTheIdThePublisherGot() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe(BOOK)) {
        String id = fixture.publishOk("topic", BOOK, "data", "hello");
        assertThat(events.next()).isEqualTo(new SseEvent(id, "message", "hello", null, null));
      }
    }

    @Test
    void otherTopicsAreNotReceived() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe(BOOK)) {
        fixture.publishOk("topic", "https://example.com/books/2", "data", "other");
        fixture.publishOk("topic", BOOK, "data", "mine");
        assertThat(events.next().data()).isEqualTo("mine");
      }
    }

    @Test
    void uriTemplateSelectsMatchingTopics() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("https://example.com/books/{id}")) {
        fixture.publishOk("topic", "https://example.com/authors/1", "data", "author");
        fixture.publishOk("topic", "https://example.com/books/1/reviews", "data", "review");
        fixture.publishOk("topic", "https://example.com/books/42", "data", "book");
        assertThat(events.next().data()).isEqualTo("book");
        assertThat(events.poll(QUIET)).isNull();
      }
    }

    @Test
    void starSelectsEverything() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("*")) {
        fixture.publishOk("topic", "a", "data", "1");
        fixture.publishOk("topic", "urn:b", "data", "2");
        assertThat(events.next().data()).isEqualTo("1");
        assertThat(events.next().data()).isEqualTo("2");
      }
    }

    @Test
    void alternateTopicsAlsoSelectTheUpdate() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("https://example.com/users/7")) {
        fixture.publishOk("topic", BOOK, "topic", "https://example.com/users/7", "data", "both");
        assertThat(events.next().data()).isEqualTo("both");
      }
    }

    @Test
    void severalSelectorsInOneSubscription() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("a", "b")) {
        fixture.publishOk("topic", "b", "data", "from b");
        fixture.publishOk("topic", "a", "data", "from a");
        assertThat(events.next().data()).isEqualTo("from b");
        assertThat(events.next().data()).isEqualTo("from a");
      }
    }

    @Test
    void typeRetryAndMultiLineDataReachTheClient() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("t")) {
        String id = fixture.publishOk("topic", "t", "data", "line 1\nline 2\r\nline 3", "type", "note",
            "retry", "2500");
        assertThat(events.next()).isEqualTo(new SseEvent(id, "note", "line 1\nline 2\nline 3", null, null));
      }
    }

    @Test
    void wireFormatCarriesIdEventRetryAndOneDataLinePerLine() throws Exception {
      fixture = new HubFixture();
      HttpResponse<java.io.InputStream> response = HubFixture.HTTP.send(
          java.net.http.HttpRequest.newBuilder(fixture.subscribeUri("t")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream body = response.body()) {
        assertThat(new String(body.readNBytes(3), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(": \n"); // the opening comment, so the stream is registered
        String id = fixture.publishOk("topic", "t", "data", "a\nb", "type", "note", "retry", "2500");
        String expected = "\nid: " + id + "\nevent: note\nretry: 2500\ndata: a\ndata: b\n\n";
        assertThat(new String(body.readNBytes(expected.length()), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(expected);
      }
      assertThat(response.headers().firstValue("Cache-Control"))
          .contains("private, no-cache, no-store, must-revalidate, max-age=0");
      assertThat(response.headers().firstValue("X-Accel-Buffering")).contains("no");
      assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void publisherChosenIdIsKept() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("t")) {
        assertThat(fixture.publishOk("topic", "t", "data", "x", "id", "order-17")).isEqualTo("order-17");
        assertThat(events.next().id()).isEqualTo("order-17");
      }
    }
  }

  @Nested
  class PrivateUpdates {
    @Test
    void anonymousSubscribersDoNotGetPrivateUpdates() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe(BOOK)) {
        fixture.publishOk("topic", BOOK, "data", "secret", "private", "on");
        fixture.publishOk("topic", BOOK, "data", "public");
        assertThat(events.next().data()).isEqualTo("public");
      }
    }

    @Test
    void subscribersWhoseClaimMatchesGetPrivateUpdates() throws Exception {
      fixture = new HubFixture();
      String token = token(List.of(), List.of("https://example.com/books/{id}"));
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri(BOOK))
          .header("Authorization", "Bearer " + token))) {
        fixture.publishOk("topic", BOOK, "data", "secret", "private", "");
        assertThat(events.next().data()).isEqualTo("secret");
      }
    }

    @Test
    void aClaimForOtherTopicsDoesNotUnlockPrivateUpdates() throws Exception {
      fixture = new HubFixture();
      String token = token(List.of(), List.of("https://example.com/authors/{id}"));
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri(BOOK))
          .header("Authorization", "Bearer " + token))) {
        fixture.publishOk("topic", BOOK, "data", "secret", "private", "on");
        fixture.publishOk("topic", BOOK, "data", "public");
        assertThat(events.next().data()).isEqualTo("public");
      }
    }
  }

  @Nested
  class SubscriberAuthorization {
    @Test
    void anonymousSubscribersAreRefusedUnlessEnabled() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(false));
      HttpResponse<String> response = fixture.get(fixture.subscribeUri(BOOK));
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).startsWith("missing_token: ");
      assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
          .startsWith("Bearer realm=\"herald\", error=\"missing_token\"");
    }

    @Test
    void tokenInTheQueryIsAccepted() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(false));
      String token = token(List.of(), List.of("*"));
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.uri(
          fixture.subscribePath("t") + "&authorization=" + token)))) {
        fixture.publishOk("topic", "t", "data", "x", "private", "on");
        assertThat(events.next().data()).isEqualTo("x");
      }
    }

    @Test
    void tokenInTheCookieIsAccepted() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(false));
      String token = token(List.of(), List.of("*"));
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .header("Cookie", "other=1; mercureAuthorization=" + token))) {
        fixture.publishOk("topic", "t", "data", "x", "private", "on");
        assertThat(events.next().data()).isEqualTo("x");
      }
    }

    @Test
    void headerTokenWinsOverQueryAndCookie() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(false));
      String good = token(List.of(), List.of("*"));
      HttpResponse<String> response = fixture.get(
          fixture.uri(fixture.subscribePath("t") + "&authorization=" + good),
          "Authorization", "Bearer not.a.token", "Cookie", "mercureAuthorization=" + good);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).startsWith("invalid_token: ");
    }

    @Test
    void queryTokenWinsOverCookie() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(false));
      String good = token(List.of(), List.of("*"));
      HttpResponse<String> response = fixture.get(
          fixture.uri(fixture.subscribePath("t") + "&authorization=bad"),
          "Cookie", "mercureAuthorization=" + good);
      assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void invalidTokenIsRefusedEvenWhenAnonymousIsAllowed() throws Exception {
      fixture = new HubFixture();
      String forged = Tokens.hmac("another-secret-that-is-long-enough!!", List.of(), List.of("*"),
          Duration.ofHours(1), Instant.now());
      HttpResponse<String> response = fixture.get(fixture.subscribeUri("t"), "Authorization", "Bearer " + forged);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).isEqualTo("invalid_token: the signature does not match the configured key\n");
    }

    @Test
    void streamClosesWhenTheTokenExpires() throws Exception {
      fixture = new HubFixture();
      Instant issued = Instant.now();
      String shortLived = Tokens.hmac(HubFixture.SECRET, List.of(), List.of("*"), Duration.ofMillis(1500), issued);
      Instant expiry = issued.plusMillis(1500).truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // exp is in seconds
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .header("Authorization", "Bearer " + shortLived))) {
        org.assertj.core.api.Assertions.assertThatThrownBy(events::hasNext)
            .isInstanceOfSatisfying(dev.herald.client.ConnectionException.class,
                ended -> assertThat(ended.endedByServer()).isTrue());
        assertThat(Instant.now()).as("closed at expiry, not before").isAfterOrEqualTo(expiry);
      }
    }

    @Test
    void missingTopicIs400() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.get(fixture.uri(Hub.PATH));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("missing_topic: ");
    }

    @Test
    void subscriptionAtTheTopicLimitIsAccepted() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).maxTopicsPerSubscription(3));
      try (EventIterator events = fixture.subscribe("a", "b", "c")) {
        fixture.publishOk("topic", "c", "data", "x");
        assertThat(events.next().data()).isEqualTo("x");
      }
    }

    @Test
    void subscriptionOverTheTopicLimitIs400() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).maxTopicsPerSubscription(3));
      HttpResponse<String> response = fixture.get(fixture.subscribeUri("a", "b", "c", "d"));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("too_many_topics: ");
    }

    @Test
    void malformedTemplateIs400() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.get(fixture.subscribeUri("https://example.com/{unclosed"));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("invalid_topic: malformed URI template");
    }
  }

  @Nested
  class Publishing {
    @Test
    void publishingWithoutATokenIs401() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.publish(null, "topic", "t", "data", "x");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).startsWith("missing_token: ");
      assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void expiredTokenIs401() throws Exception {
      fixture = new HubFixture();
      String expired = Tokens.hmac(HubFixture.SECRET, List.of("*"), List.of(), Duration.ofSeconds(1),
          Instant.now().minusSeconds(60));
      HttpResponse<String> response = fixture.publish(expired, "topic", "t", "data", "x");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).startsWith("invalid_token: the token expired at ");
    }

    @Test
    void tokenExpiredWithinTheClockSkewIsStillAccepted() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).jwtClockSkew(Duration.ofSeconds(30)));
      String justExpired = Tokens.hmac(HubFixture.SECRET, List.of("*"), List.of(), Duration.ofSeconds(1),
          Instant.now().minusSeconds(10));
      assertThat(fixture.publish(justExpired, "topic", "t", "data", "x").statusCode()).isEqualTo(200);
    }

    @Test
    void cookieAuthenticatedPublishWithoutAnAllowedOriginIsRefusedAsCsrf() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).publishOrigins(List.of("https://app.example")));
      HttpResponse<String> response = publishWithCookie(null);
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).startsWith("csrf: ");
      assertThat(publishWithCookie("https://evil.example").statusCode()).isEqualTo(403);
    }

    @Test
    void cookieAuthenticatedPublishFromAnAllowedOriginIsAccepted() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).publishOrigins(List.of("https://app.example")));
      assertThat(publishWithCookie("https://app.example").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> publishWithCookie(String origin) throws Exception {
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(fixture.uri(Hub.PATH))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Cookie", "mercureAuthorization=" + publisherToken())
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("topic=t&data=x"));
      if (origin != null) {
        request.header("Origin", origin);
      }
      return HubFixture.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void topicOutsideThePublishClaimIs403() throws Exception {
      fixture = new HubFixture();
      String token = token(List.of("https://example.com/books/{id}"), List.of());
      HttpResponse<String> response = fixture.publish(token, "topic", BOOK, "topic", "https://example.com/x",
          "data", "x");
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).isEqualTo("forbidden: the token may not publish to topic 'https://example.com/x'\n");
    }

    @Test
    void topicInsideThePublishClaimIsAccepted() throws Exception {
      fixture = new HubFixture();
      String token = token(List.of("https://example.com/books/{id}"), List.of());
      assertThat(fixture.publish(token, "topic", BOOK, "data", "x").statusCode()).isEqualTo(200);
    }

    @Test
    void missingTopicIs400() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.publish(publisherToken(), "data", "x");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("invalid_update: give at least one non-empty 'topic'");
    }

    @Test
    void idStartingWithHashIs400() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.publish(publisherToken(), "topic", "t", "id", "#1");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("'id'");
    }

    @Test
    void idEarliestIsReservedFor400() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = fixture.publish(publisherToken(), "topic", "t", "id", "earliest");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("'earliest'");
    }

    @Test
    void nonNumericRetryIs400() throws Exception {
      fixture = new HubFixture();
      assertThat(fixture.publish(publisherToken(), "topic", "t", "retry", "soon").statusCode()).isEqualTo(400);
    }

    @Test
    void typeWithALineBreakIs400() throws Exception {
      fixture = new HubFixture();
      assertThat(fixture.publish(publisherToken(), "topic", "t", "type", "a\nb").statusCode()).isEqualTo(400);
    }

    @Test
    void republishingAnIdWithTheSameContentIsIdempotent() throws Exception {
      fixture = new HubFixture();
      try (EventIterator events = fixture.subscribe("t")) {
        fixture.publishOk("topic", "t", "data", "x", "id", "once");
        assertThat(fixture.publishOk("topic", "t", "data", "x", "id", "once")).isEqualTo("once");
        fixture.publishOk("topic", "t", "data", "next");
        assertThat(events.next().data()).isEqualTo("x");
        assertThat(events.next().data()).isEqualTo("next");
      }
    }

    @Test
    void reusingAnIdForOtherContentIs409() throws Exception {
      fixture = new HubFixture();
      fixture.publishOk("topic", "t", "data", "x", "id", "once");
      HttpResponse<String> response = fixture.publish(publisherToken(), "topic", "t", "data", "y", "id", "once");
      assertThat(response.statusCode()).isEqualTo(409);
      assertThat(response.body()).startsWith("id_conflict: ");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = HubFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(fixture.uri(Hub.PATH))
              .header("Authorization", "Bearer " + publisherToken())
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
      fixture = new HubFixture();
      HttpResponse<String> response = HubFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(fixture.uri(Hub.PATH))
          .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).contains("GET, POST, OPTIONS");
    }

    @Test
    void oversizedUpdateIs413AndEarlierUpdatesStayIntact() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).maxUpdateSize(1024));
      String kept = fixture.publishOk("topic", "t", "data", "small");
      HttpResponse<String> response = fixture.publish(publisherToken(), "topic", "t", "data", "x".repeat(2000));
      assertThat(response.statusCode()).isEqualTo(413);
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId(EventLogCursor.EARLIEST))) {
        assertThat(events.next().id()).isEqualTo(kept);
        assertThat(events.poll(QUIET)).isNull();
      }
    }

    @Test
    void unknownPathIs404AndHealthIsOk() throws Exception {
      fixture = new HubFixture();
      assertThat(fixture.get(fixture.uri("/nope")).statusCode()).isEqualTo(404);
      HttpResponse<String> health = fixture.get(fixture.uri("/healthz"));
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}\n");
      assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
    }
  }

  @Nested
  class Replay {
    @Test
    void lastEventIdReplaysWhatFollowedAndSaysWhereItResumed() throws Exception {
      fixture = new HubFixture();
      String first = fixture.publishOk("topic", "t", "data", "1");
      String second = fixture.publishOk("topic", "t", "data", "2");
      fixture.publishOk("topic", "other", "data", "not mine");
      String third = fixture.publishOk("topic", "t", "data", "3");

      HttpResponse<java.io.InputStream> head = HubFixture.HTTP.send(
          java.net.http.HttpRequest.newBuilder(fixture.subscribeUri("t")).header("Last-Event-ID", first).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(head.headers().firstValue("Last-Event-ID")).contains(first);
      head.body().close();

      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId(first))) {
        assertThat(events.next().id()).isEqualTo(second);
        assertThat(events.next().id()).isEqualTo(third);
        String live = fixture.publishOk("topic", "t", "data", "4");
        assertThat(events.next().id()).isEqualTo(live);
      }
    }

    @Test
    void unknownCursorReplaysAllRetainedHistoryAndSaysEarliest() throws Exception {
      fixture = new HubFixture();
      String first = fixture.publishOk("topic", "t", "data", "1");
      HttpResponse<java.io.InputStream> head = HubFixture.HTTP.send(
          java.net.http.HttpRequest.newBuilder(fixture.subscribeUri("t")).header("Last-Event-ID", "nope").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(head.headers().firstValue("Last-Event-ID")).contains("earliest");
      head.body().close();
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId("nope"))) {
        assertThat(events.next().id()).isEqualTo(first);
      }
    }

    @Test
    void optedInSubscriberGetsAResetEventWhenHistoryDoesNotReachItsCursor() throws Exception {
      fixture = new HubFixture();
      String kept = fixture.publishOk("topic", "t", "data", "1");
      try (EventIterator events = fixture.subscribe(EventSource.builder(
          fixture.uri(fixture.subscribePath("t") + "&herald-reset")).lastEventId("trimmed-long-ago"))) {
        SseEvent reset = events.next();
        assertThat(reset.type()).isEqualTo("herald-reset");
        assertThat(reset.id()).as("no id: the client's cursor stays").isEqualTo("trimmed-long-ago");
        assertThat(reset.data()).contains("\"lastEventID\":\"trimmed-long-ago\"");
        assertThat(events.next().id()).isEqualTo(kept);
      }
    }

    @Test
    void noResetEventWithoutOptInOrWhenTheCursorIsKnown() throws Exception {
      fixture = new HubFixture();
      String first = fixture.publishOk("topic", "t", "data", "1");
      String second = fixture.publishOk("topic", "t", "data", "2");
      try (EventIterator unknown = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId("x"))) {
        assertThat(unknown.next().id()).isEqualTo(first);
      }
      try (EventIterator known = fixture.subscribe(EventSource.builder(
          fixture.uri(fixture.subscribePath("t") + "&herald-reset")).lastEventId(first))) {
        assertThat(known.next().id()).isEqualTo(second);
      }
    }

    @Test
    void queryParameterCursorWorksAndTheHeaderWins() throws Exception {
      fixture = new HubFixture();
      String first = fixture.publishOk("topic", "t", "data", "1");
      String second = fixture.publishOk("topic", "t", "data", "2");
      try (EventIterator byQuery = fixture.subscribe(EventSource.builder(
          fixture.uri(fixture.subscribePath("t") + "&lastEventID=" + first)))) {
        assertThat(byQuery.next().id()).isEqualTo(second);
      }
      try (EventIterator both = fixture.subscribe(EventSource.builder(
          fixture.uri(fixture.subscribePath("t") + "&lastEventID=" + first))
          .lastEventId(second))) {
        assertThat(both.poll(QUIET)).as("nothing after the header's cursor").isNull();
      }
    }

    @Test
    void privateUpdatesAreReplayedOnlyToAuthorizedSubscribers() throws Exception {
      fixture = new HubFixture();
      fixture.publishOk("topic", "t", "data", "secret", "private", "on");
      String open = fixture.publishOk("topic", "t", "data", "open");
      try (EventIterator anonymous = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId("earliest"))) {
        assertThat(anonymous.next().id()).isEqualTo(open);
      }
      try (EventIterator allowed = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
          .lastEventId("earliest").header("Authorization", "Bearer " + token(List.of(), List.of("t"))))) {
        assertThat(allowed.next().data()).isEqualTo("secret");
        assertThat(allowed.next().data()).isEqualTo("open");
      }
    }
  }

  @Nested
  class CrossOrigin {
    @Test
    void allowedOriginIsEchoedWithCredentials() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("https://app.example")));
      HttpResponse<String> response = fixture.get(fixture.uri("/healthz"), "Origin", "https://app.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    }

    @Test
    void otherOriginsGetNoCorsHeaders() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("https://app.example")));
      HttpResponse<String> response = fixture.get(fixture.uri("/healthz"), "Origin", "https://evil.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void starAllowsAnyOriginButNeverWithCredentials() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("*")));
      HttpResponse<String> response = fixture.get(fixture.uri("/healthz"), "Origin", "https://any.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
      assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void listedOriginKeepsCredentialsEvenWithStar() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("*", "https://app.example")));
      HttpResponse<String> response = fixture.get(fixture.uri("/healthz"), "Origin", "https://app.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
      assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    }

    @Test
    void preflightListsMethodsAndHeaders() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("https://app.example")));
      HttpResponse<String> response = HubFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(fixture.uri(Hub.PATH))
          .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://app.example")
          .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).contains("GET, POST, OPTIONS");
      assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
          .contains("Authorization", "Last-Event-ID");
    }

    @Test
    void eventStreamsCarryTheCorsHeadersToo() throws Exception {
      fixture = new HubFixture(builder -> builder.anonymous(true).corsOrigins(List.of("https://app.example")));
      HttpResponse<java.io.InputStream> response = HubFixture.HTTP.send(
          java.net.http.HttpRequest.newBuilder(fixture.subscribeUri("t")).header("Origin", "https://app.example").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
      response.body().close();
    }
  }

  /** The cursor constant as a subscriber writes it. */
  static final class EventLogCursor {
    static final String EARLIEST = dev.herald.log.EventLog.EARLIEST;
  }
}
