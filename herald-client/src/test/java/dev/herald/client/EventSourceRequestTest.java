package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request every connection sends. */
class EventSourceRequestTest {
  private static final URI URI_ = URI.create("http://127.0.0.1:1/events");

  private static HttpRequest request(String lastEventId) {
    return EventSource.request(URI_, "GET", HttpRequest.BodyPublishers.noBody(),
        List.<String[]>of(new String[] {"X-Custom", "1"}), lastEventId);
  }

  @Test
  void neverCarriesARequestTimeoutWhichWouldCutTheStreamOff() {
    assertThat(request("").timeout()).isEmpty();
  }

  @Test
  void asciiLastEventIdIsSentAsTheHeader() {
    HttpRequest request = request("urn:uuid:42 a");
    assertThat(request.headers().firstValue("Last-Event-ID")).hasValue("urn:uuid:42 a");
    assertThat(request.uri()).isEqualTo(URI_);
  }

  @Test
  void nonAsciiLastEventIdIsSentAsTheQueryParameterNotAsAHeaderThatHttp11WouldMangle() {
    HttpRequest request = request("caf\u00e9");
    assertThat(request.headers().firstValue("Last-Event-ID")).isEmpty();
    assertThat(request.uri().getRawQuery()).isEqualTo("lastEventID=caf%C3%A9");
  }

  @Test
  void idsAHeaderCannotCarryExactlyGoToTheQueryWithoutFailing() {
    for (String id : new String[] {"a\u0001b", " lead", "trail ", "del\u007f", "tab\there"}) {
      HttpRequest request = request(id);
      assertThat(request.headers().firstValue("Last-Event-ID")).as(id).isEmpty();
      assertThat(request.uri().getRawQuery()).as(id).startsWith("lastEventID=");
    }
  }

  @Test
  void queryParameterReplacesAnEarlierOneAndKeepsTheRest() {
    URI uri = LastEventIds.withQueryParameter(URI.create("http://h/p?topic=a%2Fb&lastEventID=old&x#frag"), "\u00e9 +");
    assertThat(uri.toString()).isEqualTo("http://h/p?topic=a%2Fb&x&lastEventID=%C3%A9%20%2B#frag");
  }

  @Test
  void emptyLastEventIdSendsNoHeader() {
    assertThat(request("").headers().firstValue("Last-Event-ID")).isEmpty();
  }

  @Test
  void customHeadersComeAlong() {
    assertThat(request("").headers().firstValue("X-Custom")).contains("1");
  }
}
