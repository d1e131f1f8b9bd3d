package dev.herald.spring;

import dev.herald.hub.Hub;
import dev.herald.hub.HubHealth;
import java.util.LinkedHashMap;
import java.util.Map;

/** What both Actuator indicators report of the hub: its state now, and the details shown with it. */
record HubHealthDetails(boolean up, Map<String, Object> details) {
  static HubHealthDetails of(Hub hub) {
    HubHealth health = hub.health();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", hub.url());
    details.put("listening", health.listening());
    details.put("store", health.storeDetail());
    details.put("events", health.events());
    details.put("subscribers", hub.subscribers());
    return new HubHealthDetails(health.ready(), details);
  }
}
