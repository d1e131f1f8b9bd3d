package dev.herald.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * How a request carries the last event ID. {@code java.net.http} writes HTTP/1.1 header values as
 * US-ASCII (on JDK 17 to 25 at least), so any other character would arrive as {@code '?'}: another ID,
 * which a server would not find (replaying everything) or, worse, could find. It also refuses control
 * characters, and servers strip spaces at either end of a header. An ID a header cannot carry exactly
 * therefore travels as the {@code lastEventID} query parameter (percent-encoded UTF-8), which Mercure
 * hubs read when no {@code Last-Event-ID} header is sent.
 */
final class LastEventIds {
  /** The query parameter Mercure hubs read as the last event ID. */
  static final String QUERY_PARAMETER = "lastEventID";

  private LastEventIds() {}

  /** Adds the ID to {@code request} for {@code uri}: as the header if it can carry it exactly, else as the query parameter. */
  static void add(HttpRequest.Builder request, URI uri, String lastEventId) {
    if (fitsHeader(lastEventId)) {
      request.setHeader("Last-Event-ID", lastEventId);
    } else {
      request.uri(withQueryParameter(uri, lastEventId));
    }
  }

  /** Whether the ID is printable ASCII without a space at either end: what every HTTP stack sends unchanged. */
  static boolean fitsHeader(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return id.charAt(0) != ' ' && id.charAt(id.length() - 1) != ' ';
  }

  /** {@code uri} with {@code lastEventID=id} in place of any it had (the newest ID wins). */
  static URI withQueryParameter(URI uri, String id) {
    String query = uri.getRawQuery();
    StringBuilder kept = new StringBuilder();
    if (query != null) {
      for (String pair : query.split("&", -1)) {
        String name = pair.indexOf('=') < 0 ? pair : pair.substring(0, pair.indexOf('='));
        if (!name.equals(QUERY_PARAMETER) && !pair.isEmpty()) {
          kept.append(pair).append('&');
        }
      }
    }
    // %20 rather than URLEncoder's '+': not every server reads '+' as a space in a query
    kept.append(QUERY_PARAMETER).append('=')
        .append(URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    String text = uri.toString();
    int fragment = text.indexOf('#');
    String base = fragment < 0 ? text : text.substring(0, fragment);
    int queryStart = base.indexOf('?');
    return URI.create((queryStart < 0 ? base : base.substring(0, queryStart)) + "?" + kept
        + (fragment < 0 ? "" : text.substring(fragment)));
  }
}
