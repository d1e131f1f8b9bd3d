package dev.herald.source.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;

/**
 * Makes sure the stream and the durable consumer are there, each time the source connects.
 *
 * <p>The stream is created (file storage, the URI's subjects) when missing and otherwise left as it
 * is: one whose subjects differ from the URI's is an error, never changed. The durable is a pull
 * consumer with explicit acks, created when missing. When it exists with messages delivered but not
 * acknowledged (the hub died or lost its connection between polling a batch and acknowledging it),
 * it is made again starting right after its ack floor: the server would otherwise send the next
 * messages first and the unacknowledged ones only once their ack wait expired, out of the stream's
 * order. The hub acknowledges in stream order, so everything up to the floor is stored. On a
 * work-queue stream the acknowledged messages are gone and the new durable starts at the first
 * left; a stream with interest retention is refused (deleting the durable would drop messages).
 */
final class JetStreamSetup {
  static final int STREAM_NOT_FOUND = 10059;
  static final int CONSUMER_NOT_FOUND = 10014;
  static final int STREAM_NAME_IN_USE = 10058;
  /** Messages delivered and not yet acknowledged at most: above one batch (the runner holds one). */
  static final long MAX_ACK_PENDING = 1000;

  private JetStreamSetup() {}

  /** Creates the stream when it is missing; checks an existing one's subjects against the URI's. */
  static StreamInfo stream(JetStreamManagement jsm, NatsSettings settings) throws IOException, JetStreamApiException {
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(settings.stream());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
      return create(jsm, settings);
    }
    List<String> existing = info.getConfiguration().getSubjects();
    if (!settings.subjects().isEmpty() && !new HashSet<>(existing).equals(new HashSet<>(settings.subjects()))) {
      throw new IllegalStateException("stream " + settings.stream() + " exists with subjects " + existing + ", not "
          + settings.subjects() + " as the source URI says; the hub does not change an existing stream: drop"
          + " 'subjects' from the URI to consume the stream as it is, or change the stream (nats stream edit)");
    }
    return info;
  }

  private static StreamInfo create(JetStreamManagement jsm, NatsSettings settings) throws IOException, JetStreamApiException {
    if (settings.subjects().isEmpty()) {
      throw new IllegalStateException("stream " + settings.stream() + " does not exist on the NATS server; add"
          + " subjects=... (e.g. subjects=orders.>) to the source URI so that the hub creates it");
    }
    try {
      return jsm.addStream(StreamConfiguration.builder().name(settings.stream()).subjects(settings.subjects())
          .storageType(StorageType.File).build());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
        return stream(jsm, settings); // another hub created it just now: check it as an existing one
      }
      throw new IllegalStateException("cannot create stream " + settings.stream() + " with subjects "
          + settings.subjects() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The durable consumer, created, or made again after its ack floor when messages were left
   * unacknowledged. {@code deliver=new} creates it from the sequence after the stream's last (rather
   * than with the server's "new" policy, whose ack floor stays 0 until the first ack: the start
   * sequence then tells where it began).
   */
  static ConsumerInfo consumer(JetStreamManagement jsm, NatsSettings settings, StreamInfo stream)
      throws IOException, JetStreamApiException {
    RetentionPolicy retention = stream.getConfiguration().getRetentionPolicy();
    if (retention == RetentionPolicy.Interest) {
      throw new IllegalStateException("stream " + settings.stream() + " has interest retention: it drops a message"
          + " once no consumer wants it, which would lose unacknowledged messages when the hub makes its durable"
          + " again after a crash; give the hub a stream with limits (the default) or work-queue retention");
    }
    boolean workQueue = retention == RetentionPolicy.WorkQueue; // acknowledged messages leave the stream
    ConsumerInfo info;
    try {
      info = jsm.getConsumerInfo(settings.stream(), settings.durable());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
        throw e;
      }
      ConsumerConfiguration.Builder config = settings.deliverNew() && !workQueue
          ? config(settings).deliverPolicy(DeliverPolicy.ByStartSequence)
              .startSequence(stream.getStreamState().getLastSequence() + 1)
          : config(settings).deliverPolicy(DeliverPolicy.All);
      return jsm.addOrUpdateConsumer(settings.stream(), config.build());
    }
    ConsumerConfiguration existing = info.getConsumerConfiguration();
    DeliverPolicy policy = existing.getDeliverPolicy();
    String problem = existing.getDeliverSubject() != null ? "is a push consumer"
        : existing.getAckPolicy() != AckPolicy.Explicit ? "acknowledges with policy " + existing.getAckPolicy()
        : existing.getFilterSubjects() != null && !existing.getFilterSubjects().isEmpty()
            ? "filters subjects " + existing.getFilterSubjects()
        : policy != DeliverPolicy.All && policy != DeliverPolicy.ByStartSequence ? "delivers with policy " + policy
        : null;
    if (problem != null) {
      throw new IllegalStateException("consumer " + settings.durable() + " of stream " + settings.stream() + " "
          + problem + ": the hub did not make it (it makes a pull consumer with explicit acks over the whole"
          + " stream); give the hub its own with durable=NAME");
    }
    if (info.getNumAckPending() > 0) {
      long floor = Math.max(info.getAckFloor().getStreamSequence(),
          policy == DeliverPolicy.ByStartSequence ? existing.getStartSequence() - 1 : 0);
      jsm.deleteConsumer(settings.stream(), settings.durable());
      return jsm.addOrUpdateConsumer(settings.stream(), (workQueue ? config(settings).deliverPolicy(DeliverPolicy.All)
          : config(settings).deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(floor + 1)).build());
    }
    if (!settings.ackWait().equals(existing.getAckWait()) || existing.getMaxAckPending() != MAX_ACK_PENDING) {
      return jsm.addOrUpdateConsumer(settings.stream(), ConsumerConfiguration.builder(existing)
          .ackWait(settings.ackWait()).maxAckPending(MAX_ACK_PENDING).build());
    }
    return info;
  }

  private static ConsumerConfiguration.Builder config(NatsSettings settings) {
    return ConsumerConfiguration.builder().durable(settings.durable()).ackPolicy(AckPolicy.Explicit)
        .ackWait(settings.ackWait()).maxAckPending(MAX_ACK_PENDING);
  }
}
