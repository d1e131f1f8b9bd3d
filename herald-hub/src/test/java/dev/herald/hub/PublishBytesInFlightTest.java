package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's budget for publish bodies in flight ({@link Hub.Builder#maxPublishBytesInFlight}) on a
 * real hub: a publisher that stalls mid-body holds what it sent, a publish that does not fit gets
 * {@code 503 overloaded} with {@code Retry-After} in the hub's error format, counted in the
 * metrics, and the stalled publisher's bytes come back when it disconnects.
 */
class PublishBytesInFlightTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private double sample(String series) throws Exception {
    String text = fixture.get(fixture.uri("/metrics")).body();
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertThat(matcher.find()).as("a sample %s in%n%s", series, text).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private void awaitSample(String series, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sample(series) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(series + " is " + sample(series) + ", not " + expected);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aPublishThatDoesNotFitGets503OverloadedUntilAStalledPublisherLetsGo() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).maxUpdateSize(32 * 1024)
        .maxPublishBytesInFlight(48 * 1024));
    String data = "d".repeat(29_000);
    Socket stalled = new Socket("127.0.0.1", fixture.hub.address().getPort());
    try {
      OutputStream out = stalled.getOutputStream();
      out.write(("POST " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + HubFixture.publisherToken()
          + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 30000\r\n\r\n"
          + "topic=t&data=" + "s".repeat(25_000)).getBytes(StandardCharsets.US_ASCII));
      out.flush(); // and nothing more: 25,013 of the 30,000 bytes announced
      awaitSample("herald_publish_bytes_in_flight", 25_013);

      HttpResponse<String> refused = fixture.publish(HubFixture.publisherToken(), "topic", "t", "data", data);

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain"));
      assertThat(refused.body()).startsWith("overloaded: ").contains("49152 bytes").endsWith("retry shortly\n");
      assertThat(sample("herald_publish_overloaded_total")).isEqualTo(1);
    } finally {
      stalled.close(); // leaves mid-body
    }
    awaitSample("herald_publish_bytes_in_flight", 0);

    assertThat(fixture.publishOk("topic", "t", "data", data)).isNotBlank();
    awaitSample("herald_publish_bytes_in_flight", 0);
    assertThat(sample("herald_publish_overloaded_total")).isEqualTo(1);
  }
}
