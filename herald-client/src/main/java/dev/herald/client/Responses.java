package dev.herald.client;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reads the response headers the processing model cares about. */
final class Responses {
  private Responses() {}

  /** The {@code Content-Type} header as sent, {@code ""} when absent. */
  static String contentType(HttpHeaders headers) {
    return headers.firstValue("Content-Type").orElse("");
  }

  /** Whether the MIME type's essence (type/subtype, parameters ignored) is {@code text/event-stream}. */
  static boolean isEventStream(String contentType) {
    int semicolon = contentType.indexOf(';');
    String essence = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return essence.toLowerCase(Locale.ROOT).equals("text/event-stream");
  }

  /**
   * The {@code Retry-After} header as a duration from now: delta-seconds or an HTTP date. {@code null}
   * when absent or unreadable; a date in the past is zero.
   */
  static Duration retryAfter(HttpHeaders headers, Clock clock) {
    String value = headers.firstValue("Retry-After").map(String::strip).orElse("");
    if (value.isEmpty()) {
      return null;
    }
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException tooLarge) {
        return Duration.ofSeconds(Long.MAX_VALUE / 1000);
      }
    }
    try {
      ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration until = Duration.between(clock.instant(), when.toInstant());
      return until.isNegative() ? Duration.ZERO : until;
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }
}
