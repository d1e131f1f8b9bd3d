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
  void lastEventIdIsSentAsItsUtf8Bytes() {
    String header = request("caf\u00e9").headers().firstValue("Last-Event-ID").orElseThrow();
    assertThat(header).isEqualTo("caf\u00c3\u00a9"); // the two UTF-8 bytes, one ISO-8859-1 char each
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
