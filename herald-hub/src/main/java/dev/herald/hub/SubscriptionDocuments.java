package dev.herald.hub;

import dev.herald.log.ActiveSubscription;
import java.util.List;

/** The JSON-LD documents of Mercure's active subscriptions: one subscription, and collections. */
final class SubscriptionDocuments {
  static final String CONTENT_TYPE = "application/ld+json";
  private static final String CONTEXT = "\"@context\":\"https://mercure.rocks/\"";

  private SubscriptionDocuments() {
  }

  /** The data of a subscription event. */
  static String event(ActiveSubscription subscription, boolean active) {
    return "{" + CONTEXT + "," + fields(subscription, active) + "}";
  }

  /** One subscription, answered by the API with the presence log's last id. */
  static String single(ActiveSubscription subscription, String lastEventId) {
    return "{" + CONTEXT + "," + fields(subscription, true) + ",\"lastEventID\":" + Json.string(lastEventId) + "}";
  }

  /** A collection ({@code id}: its URL), with the presence log's last id. */
  static String collection(String id, List<ActiveSubscription> subscriptions, String lastEventId) {
    StringBuilder json = new StringBuilder(128 + subscriptions.size() * 256).append('{').append(CONTEXT)
        .append(",\"id\":").append(Json.string(id)).append(",\"type\":\"Subscriptions\",\"lastEventID\":")
        .append(Json.string(lastEventId)).append(",\"subscriptions\":[");
    for (int i = 0; i < subscriptions.size(); i++) {
      json.append(i == 0 ? "{" : ",{").append(fields(subscriptions.get(i), true)).append('}');
    }
    return json.append("]}").toString();
  }

  private static String fields(ActiveSubscription subscription, boolean active) {
    String id = SubscriptionTopics.of(subscription.selector(), subscription.subscriber());
    return "\"id\":" + Json.string(id) + ",\"type\":\"Subscription\",\"topic\":" + Json.string(subscription.selector())
        + ",\"subscriber\":" + Json.string(subscription.subscriber()) + ",\"active\":" + active
        + (subscription.payload() != null ? ",\"payload\":" + subscription.payload() : "");
  }
}
