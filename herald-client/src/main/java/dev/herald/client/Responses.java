package dev.herald.client;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** Reads the response headers the processing model cares about. */
final class Responses {
  /** asctime's date, the day padded with a space: {@code Sun Nov  6 08:49:37 1994}. */
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

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
   * The {@code Retry-After} header as a duration from now: delta-seconds or an HTTP date in any of
   * the three forms RFC 9110 (5.6.7) obliges a recipient to read. {@code null} when absent or
   * unreadable; a date in the past is zero.
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
    Instant when = httpDate(value, clock);
    if (when == null) {
      return null;
    }
    Duration until = Duration.between(clock.instant(), when);
    return until.isNegative() ? Duration.ZERO : until;
  }

  /**
   * An HTTP date: IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), or one of the obsolete forms
   * still to be accepted, RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}, its two-digit year read as
   * at most 50 years ahead) and asctime ({@code Sun Nov  6 08:49:37 1994}); null when none fits.
   */
  static Instant httpDate(String value, Clock clock) {
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException notImfFixdate) {
      // one of the obsolete forms, below
    }
    int thisYear = clock.instant().atZone(ZoneOffset.UTC).getYear();
    DateTimeFormatter rfc850 = new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
        .appendValueReduced(ChronoField.YEAR, 2, 2, thisYear - 49).appendPattern(" HH:mm:ss 'GMT'")
        .toFormatter(Locale.US);
    for (DateTimeFormatter form : new DateTimeFormatter[] {rfc850, ASCTIME}) {
      try {
        return LocalDateTime.parse(value, form).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notThisForm) {
        // the next form
      }
    }
    return null;
  }
}
