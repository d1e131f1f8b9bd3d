package dev.herald.log;

import java.util.Objects;

/**
 * One open subscription, as presence reports it (Mercure's active subscriptions): a subscriber
 * connection has one id and one subscription per topic selector it asked for.
 *
 * @param selector   the topic selector, as the subscriber sent it
 * @param subscriber the subscriber's id ({@code urn:uuid:...}), one per connection
 * @param payload    the {@code mercure.payload} claim of the subscriber's token as JSON text, or
 *                   {@code null} when it has none
 */
public record ActiveSubscription(String selector, String subscriber, String payload) {
  /** Checks the fields. */
  public ActiveSubscription {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(subscriber, "subscriber");
  }
}
