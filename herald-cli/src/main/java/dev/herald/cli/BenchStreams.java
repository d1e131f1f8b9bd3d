package dev.herald.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The publishing side of {@code herald bench --stream-publish}: one streaming publish per topic
 * ({@link StreamUpload}, held open for the whole run as an LLM answer or a build log is), each update
 * one event written to its topic's stream as it is due, by the pacing thread: a hub that stops
 * reading a stream makes the publisher late, which the run reports. The hub answers each stream only
 * when it ends ({@link #finish}): then the updates count as acknowledged.
 */
final class BenchStreams {
  /** What a stream's answer said: its status, and how many ids it listed (the events it published). */
  record Answer(int status, long ids, String firstLine) {}

  private final BenchTargets targets;
  private final String bearer;
  private final StreamUpload[] uploads;

  /** {@code authorization}: the {@code Authorization} header's value ({@code Bearer ...}), or null. */
  BenchStreams(BenchTargets targets, String authorization, int topics) {
    this.targets = targets;
    this.bearer = authorization == null ? null : authorization.substring("Bearer ".length());
    this.uploads = new StreamUpload[topics];
  }

  /** Writes one event with {@code data} to the topic's stream, opening the stream first if needed. */
  void send(int topic, String data) throws IOException {
    if (uploads[topic] == null) {
      uploads[topic] = StreamUpload.open(targets.publish(topic), List.of(targets.topicName(topic)), false, bearer,
          Duration.ZERO);
    }
    uploads[topic].write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the topic's stream was opened (an update was sent to it). */
  boolean opened(int topic) {
    return uploads[topic] != null;
  }

  /** Ends the topic's stream and waits for the hub's answer ({@link StreamUpload#ANSWER_TIMEOUT}). */
  Answer finish(int topic) {
    try (StreamUpload upload = uploads[topic]) {
      upload.finish();
      HubAnswer answer = upload.await();
      long ids = answer.accepted() ? answer.body().lines().filter(line -> !line.isEmpty()).count() : 0;
      return new Answer(answer.status(), ids, answer.body().lines().findFirst().orElse(""));
    } catch (IOException e) {
      return new Answer(0, 0, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, 0, "interrupted");
    }
  }
}
