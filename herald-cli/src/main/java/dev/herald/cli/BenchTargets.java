package dev.herald.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The URLs and bodies of a bench run: {@code {topic}} in the subscribe URL, the publish URL and the
 * topic name template is replaced by the topic number; a Mercure publish is a form body
 * {@code topic=<name>&data=<payload>}, a raw one the payload itself (nchan and similar).
 */
final class BenchTargets {
  static final String PLACEHOLDER = "{topic}";

  enum Format { MERCURE, RAW }

  private final String subscribeTemplate;
  private final String publishTemplate;
  private final String topicTemplate;
  private final Format format;

  BenchTargets(String subscribeTemplate, String publishTemplate, String topicTemplate, Format format) {
    this.subscribeTemplate = subscribeTemplate;
    this.publishTemplate = publishTemplate;
    this.topicTemplate = topicTemplate;
    this.format = format;
  }

  Format format() {
    return format;
  }

  URI subscribe(int topic) {
    return URI.create(subscribeTemplate.replace(PLACEHOLDER, Integer.toString(topic)));
  }

  URI publish(int topic) {
    return URI.create(publishTemplate.replace(PLACEHOLDER, Integer.toString(topic)));
  }

  String topicName(int topic) {
    return topicTemplate.replace(PLACEHOLDER, Integer.toString(topic));
  }

  /** The request body publishing {@code payload} to {@code topic}. */
  String body(int topic, String payload) {
    return format == Format.RAW ? payload
        : "topic=" + URLEncoder.encode(topicName(topic), StandardCharsets.UTF_8)
            + "&data=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
  }

  String contentType() {
    return format == Format.RAW ? "text/plain; charset=utf-8" : "application/x-www-form-urlencoded";
  }

  /**
   * Null when {@code template} (with topic 0) is a plain-HTTP URL whose host resolves only to
   * loopback addresses; otherwise why not.
   */
  static String checkLoopback(String name, String template) {
    URI uri;
    try {
      uri = new URI(template.replace(PLACEHOLDER, "0"));
    } catch (URISyntaxException e) {
      return name + " is not a URL: " + e.getMessage();
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      return name + " must be an http:// URL with a host: " + template;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (!address.isLoopbackAddress()) {
          return name + " must point at this machine's loopback interface (127.0.0.0/8, ::1, localhost), not "
              + uri.getHost() + ": herald bench is for loopback sizing runs only";
        }
      }
    } catch (UnknownHostException e) {
      return name + ": unknown host " + uri.getHost();
    }
    return null;
  }

  static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : 80;
  }

  static String hostHeader(URI uri) {
    return uri.getPort() >= 0 ? uri.getRawAuthority().replaceAll("^.*@", "") : uri.getHost();
  }

  static String pathAndQuery(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}
