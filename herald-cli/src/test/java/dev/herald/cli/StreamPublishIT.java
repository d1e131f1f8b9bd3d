package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sse.SseEvent;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code herald publish --stream} from the built jar, the way the docs use it: {@code tail -f build.log
 * | herald publish --stream --lines}, each line published while the pipe stays open.
 */
class StreamPublishIT {
  private static final String SECRET = "stream-integration-secret-long-enough!";
  private HubProcess hub;

  @BeforeEach
  void startHub() throws Exception {
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--anonymous", "--jwt-secret", SECRET, "--store", "memory");
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  @Test
  void eachLineOfAPipeThatStaysOpenIsPublishedAsItComes() throws Exception {
    try (Viewer viewer = Viewer.open(hub.endpoint, "builds")) {
      Process publish = new ProcessBuilder(HubProcess.java(), "-jar", HubProcess.jar(), "publish", "--hub",
          hub.endpoint, "--stream", "--lines", "--type", "log", "--topic", "builds", "--jwt-secret", SECRET).start();
      OutputStream pipe = publish.getOutputStream();

      pipe.write("[INFO] compiling\n".getBytes(StandardCharsets.UTF_8));
      pipe.flush();
      SseEvent first = viewer.next();
      assertThat(first.data()).isEqualTo("[INFO] compiling");
      pipe.write("[INFO] testing\n".getBytes(StandardCharsets.UTF_8));
      pipe.flush();
      SseEvent second = viewer.next();
      assertThat(second.data()).isEqualTo("[INFO] testing");
      assertThat(publish.isAlive()).as("still reading the open pipe").isTrue();

      pipe.close();
      assertThat(publish.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String stderr = new String(publish.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(publish.exitValue()).as(stderr).isZero();
      assertThat(new String(publish.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
          .isEqualTo(List.of(first.id(), second.id()));
      assertThat(first.type()).isEqualTo("log");
    }
  }
}
