package dev.herald.source.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.Entry;
import dev.herald.log.FailingLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceRunner;
import dev.herald.source.Sources;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source against the real NATS server with JetStream on 127.0.0.1:4222, each test on streams of its own. */
class NatsSourceTest {
  private static final Duration WAIT = Duration.ofMillis(200);
  private NatsServer nats;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    nats = NatsServer.connect();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    nats.close();
  }

  private NatsSource source(String uri) {
    NatsSource source = (NatsSource) Sources.open(uri);
    closing.add(source);
    return source;
  }

  private SourceRunner run(NatsSource source, FailingLog log, int batch) {
    SourceRunner runner = SourceRunner.start(source, log, 1 << 20, batch, WAIT, Duration.ofMillis(10),
        Duration.ofMillis(100));
    closing.add(runner);
    return runner;
  }

  /** Polls (without acknowledging) until {@code count} messages came; fails after 10 s. */
  private static SourceBatch pollMessages(NatsSource source, int count) throws Exception {
    List<Update> updates = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<Object> positions = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (updates.size() + refused.size() < count) {
      assertThat(System.nanoTime()).as("%d messages within 10 s", count).isLessThan(deadline);
      SourceBatch batch = source.poll(WAIT, count - updates.size() - refused.size());
      updates.addAll(batch.updates());
      refused.addAll(batch.refused());
      if (batch.position() != null) {
        positions.addAll((List<?>) batch.position());
      }
    }
    return new SourceBatch(updates, refused, positions);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private ConsumerInfo consumer(String stream) {
    try {
      return nats.consumer(stream, "herald");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The durable's ack floor, or -1 while it is being made again. */
  private long ackFloor(String stream) {
    try {
      return nats.consumer(stream, "herald").getAckFloor().getStreamSequence();
    } catch (io.nats.client.JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamSetup.CONSUMER_NOT_FOUND) {
        return -1;
      }
      throw new AssertionError(e);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> ids(String stream, long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(n -> "nats-" + stream + "-" + n).toList();
  }

  private void publish(String stream, int count) throws Exception {
    for (int n = 1; n <= count; n++) {
      nats.publish(NatsServer.subject(stream) + ".m", "message " + n);
    }
  }

  @Test
  void mapsEachMessageToAnUpdate() throws Exception {
    String stream = nats.stream("map");
    String prefix = NatsServer.subject(stream);
    NatsSource source = source(NatsServer.uri(stream, "&topic=https://example.com/{stream}/{subject}"
        + "&topic=https://example.com/raw/{+subject}&type_header=Event-Type&private_header=Private"));
    source.connect(); // creates the stream
    Headers headers = new Headers().add("Event-Type", "order.created").add("Private", "true");
    nats.publish(prefix + ".orders.1", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), headers);
    nats.publish(prefix + ".a/b", "two".getBytes(StandardCharsets.UTF_8), new Headers().add("event-type", "lower"));
    nats.publish(prefix + ".bin", new byte[] {(byte) 0xff, (byte) 0xfe}, null);
    nats.publish(prefix + ".empty", new byte[0], null);

    SourceBatch batch = pollMessages(source, 4);

    assertThat(batch.updates()).containsExactly(
        new Update("nats-" + stream + "-1", List.of("https://example.com/" + stream + "/" + prefix + ".orders.1",
            "https://example.com/raw/" + prefix + ".orders.1"), "{\"n\":1}", true, "order.created", null),
        new Update("nats-" + stream + "-2", List.of("https://example.com/" + stream + "/" + prefix + ".a%2Fb",
            "https://example.com/raw/" + prefix + ".a/b"), "two", false, "lower", null),
        new Update("nats-" + stream + "-4", List.of("https://example.com/" + stream + "/" + prefix + ".empty",
            "https://example.com/raw/" + prefix + ".empty"), "", false, null, null));
    assertThat(batch.refused()).singleElement().asString()
        .contains("nats-" + stream + "-3").contains("not valid UTF-8").doesNotContain("\u00ff");
    source.acknowledge(new SourceBatch(List.of(), List.of(), batch.position()));
    ConsumerInfo info = consumer(stream);
    assertThat(info.getNumAckPending()).isZero();
    assertThat(info.getAckFloor().getStreamSequence()).as("the refused message is acknowledged too").isEqualTo(4);
  }

  @Test
  void createsAMissingStreamWithTheUrisSubjectsOnFileStorage() throws Exception {
    String stream = nats.stream("create");
    source(NatsServer.uri(stream, "&topic=t")).connect();
    StreamConfiguration config = nats.jsm.getStreamInfo(stream).getConfiguration();
    assertThat(config.getSubjects()).containsExactly(NatsServer.subject(stream) + ".>");
    assertThat(config.getStorageType()).isEqualTo(StorageType.File);
    ConsumerConfiguration durable = consumer(stream).getConsumerConfiguration();
    assertThat(durable.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
    assertThat(durable.getDeliverSubject()).as("a pull consumer").isNull();
    assertThat(durable.getAckWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void bindsToAnExistingStreamAsItIsAndRefusesToChangeItsSubjects() throws Exception {
    String stream = nats.stream("bind");
    String prefix = NatsServer.subject(stream);
    nats.jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".a", prefix + ".b")
        .storageType(StorageType.Memory).build());
    nats.publish(prefix + ".b", "before");
    NatsSource asItIs = source("nats://127.0.0.1:4222?stream=" + stream + "&topic=t");
    asItIs.connect();
    assertThat(pollMessages(asItIs, 1).updates()).extracting(Update::data).containsExactly("before");
    source("nats://127.0.0.1:4222?stream=" + stream + "&subjects=" + prefix + ".b," + prefix + ".a&durable=same"
        + "&topic=t").connect(); // the same subjects in another order

    NatsSource other = source(NatsServer.uri(stream, "&durable=other&topic=t"));
    assertThatThrownBy(other::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stream " + stream + " exists with subjects [" + prefix + ".a, " + prefix + ".b], not ["
            + prefix + ".>]")
        .hasMessageContaining("does not change an existing stream");
    assertThat(nats.jsm.getStreamInfo(stream).getConfiguration().getSubjects())
        .containsExactly(prefix + ".a", prefix + ".b");
  }

  @Test
  void aMissingStreamWithoutSubjectsIsAClearError() throws Exception {
    String stream = nats.stream("missing");
    NatsSource source = source("nats://127.0.0.1:4222?stream=" + stream + "&topic=t");
    assertThatThrownBy(source::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stream " + stream + " does not exist").hasMessageContaining("add subjects=");
  }

  @Test
  void aDurableTheHubDidNotMakeIsAClearError() throws Exception {
    String stream = nats.stream("foreign");
    source(NatsServer.uri(stream, "&durable=mine&topic=t")).connect();
    nats.jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("theirs")
        .ackPolicy(AckPolicy.None).build());
    NatsSource source = source(NatsServer.uri(stream, "&durable=theirs&topic=t"));
    assertThatThrownBy(source::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("consumer theirs of stream " + stream + " acknowledges with policy none")
        .hasMessageContaining("durable=NAME");
  }

  @Test
  void anUnreachableServerFailsToConnectWithoutShowingThePassword() {
    NatsSource source = source("nats://app:s3cret@127.0.0.1:1?stream=S&subjects=s.>&topic=t");
    assertThatThrownBy(source::connect).isInstanceOf(IOException.class);
    assertThat(source.name()).isEqualTo("nats://app:***@127.0.0.1:1?stream=S&subjects=s.>&topic=t");
    assertThat(source.lag()).isEqualTo(-1);
  }

  @Test
  void storesEveryMessageOnceInStreamOrderAndAcknowledgesThem() throws Exception {
    String stream = nats.stream("order");
    NatsSource source = source(NatsServer.uri(stream, "&topic=https://example.com/{subject}"));
    source.connect();
    int count = 2000;
    publish(stream, count);
    FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
    SourceRunner runner = run(source, log, 64);
    await("every message acknowledged", () -> ackFloor(stream) == count);
    assertThat(log.ids()).containsExactlyElementsOf(ids(stream, 1, count));
    List<Entry> entries = log.entries();
    for (int n = 0; n < count; n++) {
      assertThat(entries.get(n).update().data()).isEqualTo("message " + (n + 1));
    }
    assertThat(runner.stats().published()).isEqualTo(count);
    assertThat(runner.stats().duplicates()).isZero();
    assertThat(consumer(stream).getNumAckPending()).isZero();
  }

  @Test
  void whileTheLogFailsNothingIsAcknowledgedAndNothingMoreDelivered() throws Exception {
    String stream = nats.stream("pressure");
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    source.connect();
    publish(stream, 100);
    FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
    log.failAppends(true);
    SourceRunner runner = run(source, log, 10);
    await("the runner retried the batch", () -> log.failedAppends() >= 5);
    ConsumerInfo info = consumer(stream);
    assertThat(info.getAckFloor().getStreamSequence()).as("the position did not advance").isZero();
    assertThat(info.getNumAckPending()).as("one batch delivered, none acknowledged").isEqualTo(10);
    assertThat(info.getNumPending()).as("nothing more delivered").isEqualTo(90);
    assertThat(runner.stats().state()).isEqualTo("paused");
    assertThat(runner.stats().consumed()).isEqualTo(10);

    log.failAppends(false);
    await("every message acknowledged", () -> ackFloor(stream) == 100);
    assertThat(log.ids()).containsExactlyElementsOf(ids(stream, 1, 100));
    assertThat(runner.stats().state()).isEqualTo("running");
  }

  @Test
  void aLostConnectionIsMadeAgainAndNothingIsLostOrReordered() throws Exception {
    String stream = nats.stream("lost");
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    source.connect();
    publish(stream, 300);
    FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
    SourceRunner runner = run(source, log, 10);
    await("some acknowledged", () -> ackFloor(stream) >= 50);
    source.dropConnection();
    publish(stream, 300);
    await("every message acknowledged", () -> ackFloor(stream) == 600);
    assertThat(log.ids()).containsExactlyElementsOf(ids(stream, 1, 600));
    assertThat(runner.stats().errors()).isPositive();
    assertThat(runner.stats().state()).isEqualTo("running");
  }

  @Test
  void reconnectingSendsTheUnacknowledgedMessagesAgainFirstAndInOrder() throws Exception {
    String stream = nats.stream("again");
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    source.connect();
    publish(stream, 10);
    assertThat(pollMessages(source, 5).updates()).extracting(Update::id).containsExactlyElementsOf(ids(stream, 1, 5));
    source.connect(); // as after a failure: nothing was acknowledged
    publish(stream, 5);
    assertThat(pollMessages(source, 15).updates()).extracting(Update::id)
        .containsExactlyElementsOf(ids(stream, 1, 15));
  }

  @Test
  void onAWorkQueueStreamReconnectingAlsoSendsTheUnacknowledgedAgainInOrder() throws Exception {
    String stream = nats.stream("queue");
    String prefix = NatsServer.subject(stream);
    nats.jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".>")
        .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.Memory).build());
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    source.connect();
    publish(stream, 10);
    source.acknowledge(pollMessages(source, 3));
    assertThat(pollMessages(source, 4).updates()).extracting(Update::id).containsExactlyElementsOf(ids(stream, 4, 7));
    source.connect();
    assertThat(pollMessages(source, 7).updates()).extracting(Update::id).containsExactlyElementsOf(ids(stream, 4, 10));
  }

  @Test
  void aStreamWithInterestRetentionIsRefused() throws Exception {
    String stream = nats.stream("interest");
    nats.jsm.addStream(StreamConfiguration.builder().name(stream).subjects(NatsServer.subject(stream) + ".>")
        .retentionPolicy(RetentionPolicy.Interest).storageType(StorageType.Memory).build());
    assertThatThrownBy(source(NatsServer.uri(stream, "&topic=t"))::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stream " + stream + " has interest retention");
  }

  @Test
  void aMessageStoredButNotAcknowledgedComesAgainAsADuplicate() throws Exception {
    String stream = nats.stream("dup");
    publishAfterCreating(stream, 20);
    FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
    NatsSource crashed = source(NatsServer.uri(stream, "&topic=t"));
    crashed.connect();
    log.append(pollMessages(crashed, 8).updates()); // stored, then the hub dies before acknowledging
    crashed.close();
    assertThat(consumer(stream).getNumAckPending()).isEqualTo(8);

    SourceRunner runner = run(source(NatsServer.uri(stream, "&topic=t")), log, 5);
    await("every message acknowledged", () -> ackFloor(stream) == 20);
    assertThat(log.ids()).containsExactlyElementsOf(ids(stream, 1, 20));
    assertThat(runner.stats().duplicates()).isEqualTo(8);
    assertThat(runner.stats().published()).isEqualTo(12);
  }

  private void publishAfterCreating(String stream, int count) throws Exception {
    source(NatsServer.uri(stream, "&durable=creator&topic=t")).connect();
    publish(stream, count);
  }

  @Test
  void theServerRedeliversAnUnacknowledgedMessageAfterAckWaitWithTheSameId() throws Exception {
    String stream = nats.stream("ackwait");
    NatsSource source = source(NatsServer.uri(stream, "&ack_wait=1s&topic=t"));
    source.connect();
    publish(stream, 1);
    String first = pollMessages(source, 1).updates().get(0).id();
    SourceBatch again = pollMessages(source, 1); // after ack_wait
    assertThat(again.updates()).extracting(Update::id).containsExactly(first);
    assertThat(((List<?>) again.position()).get(0)).extracting(m -> ((io.nats.client.Message) m).metaData()
        .deliveredCount()).isEqualTo(2L);
  }

  @Test
  void deliverNewStartsAfterTheStreamsLastMessageAndKeepsItsPlaceWhenReconnecting() throws Exception {
    String stream = nats.stream("new");
    publishAfterCreating(stream, 3);
    NatsSource source = source(NatsServer.uri(stream, "&deliver=new&topic=t"));
    source.connect();
    publish(stream, 3);
    assertThat(pollMessages(source, 2).updates()).extracting(Update::id).containsExactlyElementsOf(ids(stream, 4, 5));
    source.connect();
    assertThat(pollMessages(source, 3).updates()).extracting(Update::id).containsExactlyElementsOf(ids(stream, 4, 6));
  }

  @Test
  void lagIsWhatTheDurableHasNotDeliveredYet() throws Exception {
    String stream = nats.stream("lag");
    publishAfterCreating(stream, 30);
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    assertThat(source.lag()).isEqualTo(-1);
    source.connect();
    assertThat(source.lag()).isEqualTo(30);
    SourceBatch batch = pollMessages(source, 10);
    assertThat(source.lag()).isEqualTo(20);
    source.acknowledge(batch);
    pollMessages(source, 20);
    assertThat(source.lag()).isZero();
    long lagFromAnotherThread = CompletableFuture.supplyAsync(source::lag).get(5, TimeUnit.SECONDS);
    assertThat(lagFromAnotherThread).isZero();
  }

  @Test
  void wakeupCutsAFetchShort() throws Exception {
    String stream = nats.stream("wakeup");
    NatsSource source = source(NatsServer.uri(stream, "&topic=t"));
    source.connect();
    ExecutorService thread = Executors.newSingleThreadExecutor(); // wakeup interrupts it
    try {
      Future<SourceBatch> poll = thread.submit(() -> source.poll(Duration.ofMinutes(5), 10));
      await("the poll is fetching", source::fetching);
      source.wakeup();
      assertThat(poll.get(10, TimeUnit.SECONDS)).as("back long before its 5 minutes").isEqualTo(SourceBatch.EMPTY);
    } finally {
      thread.shutdownNow();
    }
  }
}
