package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.client.ReadyState;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.sse.SseEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub whose SQLite log is on a disk that fills up, or that the kernel turns read-only: every publish
 * is answered within a bound (200 only for an update that is stored, else {@code 503 store_unavailable}
 * with {@code Retry-After}), {@code /readyz} is unready and names the cause, the hub takes publishes
 * again once the disk does, and a replay from {@code earliest} holds every acknowledged update exactly
 * once. Real file systems (a tmpfs, an ext4 image on a loop device), mounted by the test as root; where
 * mounting is refused the test is skipped with the reason (see {@link Mounts}), no fault is injected.
 */
class DiskFaultsIT {
  private static final Duration BOUND = Duration.ofSeconds(20);
  /** Publishes of this size fill an 8 MiB tmpfs in a few dozen requests. */
  private static final String PADDING = "x".repeat(200_000);

  @TempDir
  Path temp;
  private Mounts disk;
  private HubFixture fixture;
  /** The labels of the updates answered 200, in order. */
  private final List<String> acknowledged = new ArrayList<>();

  @AfterEach
  void stop() {
    try {
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  private void start(Path data) throws InterruptedException {
    SqliteEventLog log = SqliteEventLog.open(data.resolve("events.db"), SqliteEventLog.Durability.FSYNC,
        Retention.DEFAULT, new IdGenerator());
    fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log));
  }

  /** Publishes {@code label} (with {@code padding} after it), answered within the bound; records a 200. */
  private HttpResponse<String> publish(String label, String padding) throws Exception {
    HttpResponse<String> response = HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri(Hub.PATH)).timeout(BOUND)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + HubFixture.publisherToken())
        .POST(HttpRequest.BodyPublishers.ofString("topic=t&data=" + label + "_" + padding)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200) {
      acknowledged.add(label);
    } else {
      assertStoreUnavailable(response);
    }
    return response;
  }

  private static void assertStoreUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("store_unavailable");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
  }

  private HttpResponse<String> readyz() throws Exception {
    return HubFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri("/readyz")).timeout(BOUND).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits (within the bound) for /readyz to answer {@code status}; returns the answer. */
  private HttpResponse<String> awaitReadiness(int status) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    HttpResponse<String> response;
    while ((response = readyz()).statusCode() != status) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("/readyz did not answer " + status + ": " + response.body());
      }
      Thread.sleep(20);
    }
    return response;
  }

  /** Publishes {@code label} until it is answered 200 (each answer bounded, all of them too). */
  private void awaitPublished(String label) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (publish(label, "").statusCode() != 200) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("publishes were still refused after " + BOUND);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Replays from {@code earliest} up to a marker published last: what came before it must be every
   * acknowledged update, in order, once.
   */
  private void assertEveryAcknowledgedUpdateIsReplayedOnce() throws Exception {
    String marker = "marker-" + System.nanoTime();
    awaitPublished(marker);
    assertThat(replayUpTo(marker)).containsExactlyElementsOf(acknowledged);
  }

  /** The labels a subscriber from {@code earliest} receives, up to and with {@code last}. */
  private List<String> replayUpTo(String last) throws Exception {
    List<String> replayed = new ArrayList<>();
    try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t"))
        .lastEventId("earliest"))) {
      String label;
      do {
        SseEvent event = events.poll(BOUND);
        assertThat(event).as("the replay stopped after " + replayed).isNotNull();
        label = label(event);
        replayed.add(label);
      } while (!label.equals(last));
    }
    return replayed;
  }

  private static String label(SseEvent event) {
    return event.data().substring(0, event.data().indexOf('_'));
  }

  @Test
  void aFullDiskIsAnswered503NamingItAndTheHubRecoversByItselfWhenSpaceReturns() throws Exception {
    Path data = Files.createDirectory(temp.resolve("data"));
    disk = Mounts.tmpfs(data, "8m");
    Path filler = Files.write(data.resolve("filler"), new byte[2 << 20]); // what an operator deletes
    start(data);
    publish("before", "");

    HttpResponse<String> refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      HttpResponse<String> response = publish("filling-" + i, PADDING);
      refused = response.statusCode() == 200 ? null : response;
    }
    assertThat(refused).as("8 MiB were never full").isNotNull();
    assertThat(awaitReadiness(503).body()).contains("disk full");
    for (int i = 0; i < 5; i++) {
      publish("during-" + i, i % 2 == 0 ? PADDING : ""); // answered; a small one may still fit
    }
    assertThat(readyz().body()).contains("disk full");

    long freed = System.nanoTime();
    Files.delete(filler);
    awaitReadiness(200);
    long ready = System.nanoTime();
    awaitPublished("after");
    long published = System.nanoTime();
    System.out.printf("full disk: ready %d ms and a publish stored %d ms after space returned%n",
        (ready - freed) / 1_000_000, (published - freed) / 1_000_000);
    for (int i = 0; i < 3; i++) {
      assertThat(publish("after-" + i, PADDING).statusCode()).isEqualTo(200);
    }

    assertEveryAcknowledgedUpdateIsReplayedOnce();
  }

  @Test
  void aDiskTheKernelTurnedReadOnlyIsAnswered503NamingItAndARestartAfterTheRepairLosesNothing()
      throws Exception {
    Path data = Files.createDirectory(temp.resolve("data"));
    disk = Mounts.ext4(temp.resolve("disk.img"), data, 32);
    start(data);
    for (int i = 0; i < 3; i++) {
      assertThat(publish("before-" + i, "").statusCode()).isEqualTo(200);
    }

    try (EventIterator live = fixture.subscribe("t")) {
      disk.failReadOnly(); // what errors=remount-ro does on a disk error; no remount can undo it
      assertThat(publish("during", "").statusCode()).as("a write to a read-only disk").isEqualTo(503);
      assertThat(awaitReadiness(503).body()).contains("read-only");
      assertStoreUnavailable(publish("still during", PADDING));

      // Reads still work: a subscriber replays every update stored before, and one stays connected.
      assertThat(replayUpTo("before-2")).containsExactlyElementsOf(acknowledged);
      assertThat(live.readyState()).isEqualTo(ReadyState.OPEN);
    }

    // An operator stops the hub, repairs the file system, mounts it again and starts the hub.
    fixture.close();
    fixture = null;
    long stopped = System.nanoTime();
    disk.unmount();
    disk.fsck();
    disk.mountAgain();
    start(data);
    awaitReadiness(200);
    System.out.printf("read-only disk: ready %d ms after the hub stopped (unmount, e2fsck, mount, start)%n",
        (System.nanoTime() - stopped) / 1_000_000);
    assertThat(publish("after", PADDING).statusCode()).isEqualTo(200);

    assertEveryAcknowledgedUpdateIsReplayedOnce();
  }
}
