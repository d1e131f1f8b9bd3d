package dev.herald.hub;

import static dev.herald.hub.HubFixture.publisherToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests pipelined on one HTTP/1.1 connection (written in one go on a raw socket) against a real
 * hub: every answer comes, in request order (RFC 9112, section 9.3.2), though a publish is answered
 * only after the log stored it on another thread; {@code Connection: close} closes after its own
 * answer, never before an earlier one's, and nothing after it is read (so not published); a request
 * behind a subscription is never answered (the stream never ends) and nothing else reaches the
 * stream. Random mixes answer exactly what the same requests sent one per connection answer.
 */
class PipeliningTest {
  private static final int SOCKET_TIMEOUT_MILLIS = 10_000;
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String HEALTHY = "{\"status\":\"ok\"}\n";

  @TempDir
  Path dir;
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void start(String store) throws InterruptedException {
    if (store.equals("sqlite")) {
      SqliteEventLog log = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
          Retention.DEFAULT, new IdGenerator());
      fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log));
    } else {
      fixture = new HubFixture(builder -> builder.anonymous(true));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "memory"})
  void aPublishThenAHealthCheckWithConnectionCloseGetBothAnswersInOrder(String store) throws Exception {
    start(store);
    try (Raw connection = connect()) {
      connection.send(publish(publisherToken(), "", "topic", "t", "data", "one"), health("Connection: close\r\n"),
          publish(publisherToken(), "", "topic", "t", "id", "after-the-close"));

      Response published = connection.response();
      assertThat(published).as("the publish is acknowledged").isNotNull();
      assertThat(published.status()).as(published.head()).isEqualTo(200);
      assertThat(published.body()).isNotBlank();
      assertThat(connection.response().body()).isEqualTo(HEALTHY);
      assertThat(connection.closedByHub()).isTrue();
    }
    assertThat(fixture.publish(publisherToken(), "topic", "t", "id", "after-the-close", "data", "other").statusCode())
        .as("the publish after the close was never read, so its id is free").isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "memory"})
  void aPublishIsAnsweredBeforeTheHealthCheckPipelinedAfterIt(String store) throws Exception {
    start(store);
    try (Raw connection = connect()) {
      connection.send(publish(publisherToken(), "", "topic", "t", "id", "first"), health(""),
          publish(publisherToken(), "", "topic", "t", "id", "second"), health(""));

      assertThat(connection.response().body()).isEqualTo("first");
      assertThat(connection.response().body()).isEqualTo(HEALTHY);
      assertThat(connection.response().body()).isEqualTo("second");
      assertThat(connection.response().body()).isEqualTo(HEALTHY);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "memory"})
  void aMixEndingInASubscriptionIsAnsweredInOrderAndNothingBehindTheStreamIsAnswered(String store)
      throws Exception {
    start(store);
    try (Raw connection = connect()) {
      connection.send(
          publish(publisherToken(), "", "topic", "t", "id", "m1", "data", "one"),
          publish(null, "", "topic", "t", "data", "no token"),
          health(""),
          publish(publisherToken(), "", "data", "no topic"),
          publish(publisherToken(), "", "topic", "t", "id", "m2", "data", "two"),
          "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
          // A cursor: the hub reads history on another thread before the stream opens.
          "GET " + fixture.subscribePath("t") + "&lastEventID=m1 HTTP/1.1\r\nHost: x\r\n\r\n",
          health(""),
          publish(publisherToken(), "", "topic", "t", "id", "behind-the-stream", "data", "never"));

      assertThat(connection.response().status()).isEqualTo(200);
      assertThat(connection.response().status()).isEqualTo(401);
      assertThat(connection.response().body()).isEqualTo(HEALTHY);
      assertThat(connection.response().status()).isEqualTo(400);
      assertThat(connection.response().body()).isEqualTo("m2");
      assertThat(connection.response().status()).isEqualTo(404);
      Response stream = connection.response();
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.head()).contains("content-type: text/event-stream").contains("last-event-id: m1");
      assertThat(connection.readFor(500)).as("what follows on the stream")
          .contains("id: m2\ndata: two").doesNotContain("HTTP/1.1").doesNotContain("never");
    }
    assertThat(fixture.publish(publisherToken(), "topic", "t", "id", "behind-the-stream", "data", "other").statusCode())
        .as("the publish behind the stream was never read, so its id is free").isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "memory"})
  void connectionCloseInTheMiddleAnswersEverythingBeforeItAndReadsNothingAfterIt(String store) throws Exception {
    start(store);
    try (Raw connection = connect()) {
      connection.send(
          publish(publisherToken(), "", "topic", "t", "id", "c1"),
          publish(publisherToken(), "", "topic", "t"),
          health(""),
          publish(publisherToken(), "Connection: close\r\n", "topic", "t", "id", "c2"),
          publish(publisherToken(), "", "topic", "t", "id", "after-the-close", "data", "never"),
          health(""));

      assertThat(connection.response().body()).isEqualTo("c1");
      assertThat(connection.response().status()).isEqualTo(200);
      assertThat(connection.response().body()).isEqualTo(HEALTHY);
      Response last = connection.response();
      assertThat(last.body()).isEqualTo("c2");
      assertThat(last.head()).contains("connection: close");
      assertThat(connection.closedByHub()).as("closed after the Connection: close answer, nothing more").isTrue();
    }
    assertThat(fixture.publish(publisherToken(), "topic", "t", "id", "after-the-close", "data", "other").statusCode())
        .as("the publish after the close was never read, so its id is free").isEqualTo(200);
  }

  /**
   * Random mixes of requests on the sqlite store, pipelined on one connection, against the same
   * requests sent one per connection: the same statuses and bodies in the same order (generated ids
   * aside), up to a {@code Connection: close} or a subscription, and nothing after it.
   */
  @Test
  void randomPipelinedMixesAnswerWhatTheSameRequestsAnswerOnePerConnection() throws Exception {
    start("sqlite");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int[] trials = {0};
    Trials.run(25, random -> {
      if (System.nanoTime() > deadline) {
        return; // bounded in time as in count, on a slow machine
      }
      int trial = trials[0]++;
      List<Request> mix = randomMix(random);
      List<String> alone = new ArrayList<>();
      for (Request request : mix) {
        try (Raw connection = connect()) {
          connection.send(request.text(trial, "A"));
          alone.add(request.normalize(connection.response(), "A"));
        }
        if (request.ends()) {
          break; // what follows is never answered on a shared connection
        }
      }
      List<String> pipelined = new ArrayList<>();
      try (Raw connection = connect()) {
        StringBuilder all = new StringBuilder();
        mix.forEach(request -> all.append(request.text(trial, "B")));
        connection.send(all.toString());
        for (int i = 0; i < alone.size(); i++) {
          pipelined.add(mix.get(i).normalize(connection.response(), "B"));
        }
        if (mix.get(alone.size() - 1).close()) {
          assertThat(connection.closedByHub()).as("closed after the Connection: close answer").isTrue();
        }
      }
      assertThat(pipelined).as("answers to %s", mix).isEqualTo(alone);
    });
  }

  /** Kinds of request in a random mix, with what identifies their answers. */
  private enum Kind { PUBLISH, PUBLISH_WITH_ID, NO_TOKEN, NO_TOPIC, FORBIDDEN, NOT_A_FORM, HEALTH, READY,
    NOT_FOUND, OPTIONS, PUT, SUBSCRIBE, SUBSCRIBE_WITH_CURSOR }

  private record Request(Kind kind, int index, boolean close) {
    /** Whether nothing after it is answered. */
    boolean ends() {
      return close || kind == Kind.SUBSCRIBE || kind == Kind.SUBSCRIBE_WITH_CURSOR;
    }

    String text(int trial, String run) {
      String extra = close ? "Connection: close\r\n" : "";
      String id = "id-" + trial + "-" + index + "-" + run;
      String forbidden = HubFixture.token(List.of("https://example.com/other"), List.of());
      return switch (kind) {
        case PUBLISH -> publish(publisherToken(), extra, "topic", "t", "data", "d" + index);
        case PUBLISH_WITH_ID -> publish(publisherToken(), extra, "topic", "t", "id", id);
        case NO_TOKEN -> publish(null, extra, "topic", "t");
        case NO_TOPIC -> publish(publisherToken(), extra, "data", "x");
        case FORBIDDEN -> publish(forbidden, extra, "topic", "t");
        case NOT_A_FORM -> "POST " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 3\r\n" + extra + "\r\nabc";
        case HEALTH -> health(extra);
        case READY -> "GET /readyz HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
        case NOT_FOUND -> "GET /nowhere HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
        case OPTIONS -> "OPTIONS " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
        case PUT -> "PUT " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n" + extra + "\r\n";
        case SUBSCRIBE -> "GET " + Hub.PATH + "?topic=t HTTP/1.1\r\nHost: x\r\n\r\n";
        case SUBSCRIBE_WITH_CURSOR -> "GET " + Hub.PATH + "?topic=t&lastEventID=earliest HTTP/1.1\r\nHost: x\r\n\r\n";
      };
    }

    /** Status, content type and body, with what differs between two runs of the same mix taken out. */
    String normalize(Response response, String run) {
      assertThat(response).as("an answer to %s", this).isNotNull();
      String type = response.header("content-type");
      String body = response.body();
      if (kind == Kind.PUBLISH && response.status() == 200) {
        body = "<generated id>";
      } else if (kind == Kind.PUBLISH_WITH_ID) {
        body = body.replace("-" + run, "-<run>");
      } else if (kind == Kind.SUBSCRIBE || kind == Kind.SUBSCRIBE_WITH_CURSOR) {
        body = "<stream>";
      }
      return response.status() + " " + type + " " + body;
    }
  }

  private static List<Request> randomMix(SplittableRandom random) {
    List<Request> mix = new ArrayList<>();
    int count = 2 + random.nextInt(7);
    int closeAt = random.nextInt(3) == 0 ? random.nextInt(count) : -1;
    Kind[] kinds = Kind.values();
    for (int i = 0; i < count; i++) {
      Kind kind;
      do {
        kind = kinds[random.nextInt(kinds.length)];
      } while ((kind == Kind.SUBSCRIBE || kind == Kind.SUBSCRIBE_WITH_CURSOR) && i != count - 1);
      if (i == count - 1 && random.nextInt(3) == 0) {
        kind = random.nextBoolean() ? Kind.SUBSCRIBE : Kind.SUBSCRIBE_WITH_CURSOR;
        // and sometimes one more, which the stream keeps from ever being answered
      }
      mix.add(new Request(kind, i, i == closeAt && kind != Kind.SUBSCRIBE && kind != Kind.SUBSCRIBE_WITH_CURSOR));
    }
    if (mix.get(count - 1).ends() && random.nextBoolean()) {
      mix.add(new Request(Kind.HEALTH, count, false));
    }
    return mix;
  }

  /** A form publish with this token (null: none), extra header lines, and form fields (name, value, ...). */
  private static String publish(String token, String extra, String... form) {
    StringJoiner body = new StringJoiner("&");
    for (int i = 0; i < form.length; i += 2) {
      body.add(URLEncoder.encode(form[i], StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    return "POST " + Hub.PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + "Content-Length: " + bytes.length + "\r\n" + extra + "\r\n" + body;
  }

  private static String health(String extra) {
    return "GET /healthz HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
  }

  private Raw connect() throws IOException {
    return new Raw(new Socket("127.0.0.1", fixture.hub.address().getPort()));
  }

  /** One response: status, lower-cased head, body (none for an event stream). */
  private record Response(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.startsWith(name + ":")) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }
  }

  /** A socket written in one go and read response by response; every read is bounded in time. */
  private static final class Raw implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Raw(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      this.in = socket.getInputStream();
    }

    /** Writes all the requests in one write, so the hub reads them together. */
    void send(String... requests) throws IOException {
      socket.getOutputStream().write(String.join("", requests).getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    /** The next response, or {@code null} if the hub closed without one; an event stream's head only. */
    Response response() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int last4 = 0;
      try {
        while (last4 != 0x0d0a0d0a) {
          int b = in.read();
          if (b == -1) {
            break;
          }
          head.write(b);
          last4 = last4 << 8 | b;
        }
      } catch (SocketTimeoutException hung) {
        throw new AssertionError("no response within " + SOCKET_TIMEOUT_MILLIS + " ms: " + head, hung);
      }
      if (head.size() == 0) {
        return null;
      }
      String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      Response response = new Response(Integer.parseInt(text.substring(9, 12)), text, "");
      if (text.contains("text/event-stream")) {
        return response;
      }
      String length = response.header("content-length");
      byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
      return new Response(response.status(), text, new String(body, StandardCharsets.UTF_8));
    }

    /** What arrives within {@code millis} (the connection stays open). */
    String readFor(int millis) throws IOException {
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      try {
        while (System.nanoTime() < deadline) {
          socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          int b = in.read();
          if (b == -1) {
            break;
          }
          seen.write(b);
        }
      } catch (SocketTimeoutException quiet) {
        // nothing more
      }
      return seen.toString(StandardCharsets.UTF_8);
    }

    /** Whether the hub closes the connection (end of stream, or a reset) with nothing more sent. */
    boolean closedByHub() throws IOException {
      try {
        int b = in.read();
        if (b != -1) {
          throw new AssertionError("more after the last answer: " + (char) b + readFor(200));
        }
        return true;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
