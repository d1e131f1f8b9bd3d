package com.example.books;

import dev.herald.client.HubPublisher;
import java.net.URI;

/** Publishes one update: java PublishBook HUB_URL SECRET; prints the update's id. */
public class PublishBook {
  public static void main(String[] args) {
    try (HubPublisher hub = HubPublisher.builder(URI.create(args[0])).jwtSecret(args[1]).build()) {
      System.out.println(hub.publish("https://example.com/books/1", "{\"title\":\"Dune\"}"));
    }
  }
}
