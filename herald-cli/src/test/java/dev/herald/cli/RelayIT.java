package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald relay} from the built jar: an LLM-like source to a hub process, watched by a viewer. */
class RelayIT {
  private static final String SECRET = "relay-integration-secret-long-enough!";
  private HubProcess hub;
  private FakeSource source;

  @BeforeEach
  void start() throws Exception {
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--anonymous", "--jwt-secret", SECRET, "--store", "memory");
    source = new FakeSource();
  }

  @AfterEach
  void stop() {
    source.close();
    hub.close();
  }

  private Process relay() throws Exception {
    List<String> command = new ArrayList<>(List.of(HubProcess.java(), "-jar", HubProcess.jar(), "relay",
        source.uri().toString(), "-H", "Authorization: " + FakeSource.API_KEY, "-d", FakeSource.REQUEST,
        "--hub", hub.endpoint, "--topic", "chats/42", "--jwt-secret", SECRET));
    return new ProcessBuilder(command).start();
  }

  private static String text(java.io.InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aViewerWatchesTheSourcesEventsAsTheyComeAndTheRelayPrintsTheirIds() throws Exception {
    try (Viewer viewer = Viewer.open(hub.endpoint, "chats/42")) {
      Process relay = relay();
      source.send("event: delta\ndata: {\"text\":\"Hello\"}\n\n");
      SseEvent first = viewer.next();
      assertThat(first).extracting(SseEvent::type, SseEvent::data).containsExactly("delta", "{\"text\":\"Hello\"}");
      assertThat(relay.isAlive()).as("relaying while the source goes on").isTrue();
      source.send("event: delta\ndata: {\"text\":\" world\"}\n\n");
      source.end();

      assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String stderr = text(relay.getErrorStream());
      assertThat(relay.exitValue()).as(stderr).isZero();
      assertThat(stderr).contains("relayed 2 events");
      SseEvent second = viewer.next();
      assertThat(second.data()).isEqualTo("{\"text\":\" world\"}");
      assertThat(text(relay.getInputStream()).lines()).isEqualTo(List.of(first.id(), second.id()));
    }
  }

  @Test
  void aSourceThatRefusesExitsOneAndSaysWhy() throws Exception {
    source.refuseWith(401, "application/json", "{\"error\":\"invalid api key\"}");

    Process relay = relay();

    assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(relay.exitValue()).isEqualTo(1);
    assertThat(text(relay.getErrorStream())).contains("answered HTTP 401: {\"error\":\"invalid api key\"}");
  }
}
