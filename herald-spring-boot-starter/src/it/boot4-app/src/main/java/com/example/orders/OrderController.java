package com.example.orders;

import dev.herald.client.HubPublisher;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Publishes each order change to its topic; browsers subscribed to it see the change at once. */
@RestController
public class OrderController {
  private final HubPublisher hub;

  public OrderController(HubPublisher hub) {
    this.hub = hub;
  }

  @PostMapping("/orders/{id}")
  public String update(@PathVariable String id, @RequestBody String order) {
    return hub.publish("https://example.com/orders/" + id, order); // the update's id
  }
}
