package dev.herald.hub;

import dev.herald.log.ActiveSubscription;
import dev.herald.server.HttpExchange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /.well-known/mercure/subscriptions[/{selector}[/{subscriber}]]}: the active
 * subscriptions as JSON-LD, for a subscriber token whose {@code mercure.subscribe} selects the
 * requested URL (the URL is matched as a topic, so one selector can cover the events and the
 * documents of the same subscriptions). Every document carries {@code lastEventID}: subscribing to
 * the subscription events from it misses no change made after the list was read.
 */
final class SubscriptionsApi {
  private final JwtVerifier verifier;
  private final Presence presence;
  private final Executor readers;

  SubscriptionsApi(JwtVerifier verifier, Presence presence, Executor readers) {
    this.verifier = verifier;
    this.presence = presence;
    this.readers = readers;
  }

  void handle(HttpExchange exchange) {
    if (!exchange.method().equals("GET")) {
      Responses.error(exchange, 405, "method_not_allowed", "the subscriptions API answers GET only", "Allow", "GET");
      return;
    }
    String url = exchange.rawPath();
    String[] parts = SubscriptionTopics.parse(url);
    if (parts == null) {
      Responses.error(exchange, 404, "not_found", "not a subscriptions URL: use " + SubscriptionTopics.PREFIX
          + "[/{topic}[/{subscriber}]], each part percent-encoded");
      return;
    }
    Verified.then(exchange, verify(exchange), claims -> {
      if (!TopicSelector.anyMatches(claims.subscribe(), List.of(url))) {
        Responses.error(exchange, 403, "forbidden", "the token's mercure.subscribe does not select " + url);
        return;
      }
      exchange.deferAnswer();
      CompletableFuture.supplyAsync(() -> answer(url, parts), readers).whenComplete((document, failure) ->
          exchange.execute(() -> {
            if (failure != null) {
              Responses.error(exchange, 503, "registry_unavailable", "the subscriptions could not be read; retry"
                  + " shortly", "Retry-After", "1");
            } else if (document == null) {
              Responses.error(exchange, 404, "not_found", "no active subscription at " + url);
            } else {
              exchange.respond(200, SubscriptionDocuments.CONTENT_TYPE, document, "Cache-Control", "no-cache");
            }
          }));
    }, refusal -> Responses.unauthorized(exchange, refusal));
  }

  /** The document at {@code url}, or {@code null} if there is no such subscription. */
  private String answer(String url, String[] parts) {
    String lastEventId = presence.lastEventId(); // before the list: a change after it is in the events
    List<ActiveSubscription> selected = new ArrayList<>();
    for (ActiveSubscription subscription : presence.all()) {
      if ((parts.length < 1 || subscription.selector().equals(parts[0]))
          && (parts.length < 2 || subscription.subscriber().equals(parts[1]))) {
        selected.add(subscription);
      }
    }
    if (parts.length == 2) {
      return selected.isEmpty() ? null : SubscriptionDocuments.single(selected.get(0), lastEventId);
    }
    selected.sort(Comparator.comparing(ActiveSubscription::selector).thenComparing(ActiveSubscription::subscriber));
    return SubscriptionDocuments.collection(url, selected, lastEventId);
  }

  private CompletableFuture<Claims> verify(HttpExchange exchange) {
    return Subscriber.claims(exchange, verifier, null,
        "the subscriptions API needs a subscriber token whose mercure.subscribe selects the requested URL");
  }
}
