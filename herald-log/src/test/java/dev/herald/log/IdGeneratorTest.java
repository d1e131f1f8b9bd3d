package dev.herald.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** ULID event ids: format, time prefix, and strict ordering whatever the clock does. */
class IdGeneratorTest {
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";

  /** A clock the test sets by hand. */
  private static final class SettableClock extends Clock {
    private long millis;

    SettableClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private static IdGenerator at(long millis) {
    return new IdGenerator(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
  }

  private static List<String> next(IdGenerator generator, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(generator.next());
    }
    return ids;
  }

  private static BigInteger decode(String crockford) {
    BigInteger value = BigInteger.ZERO;
    for (char c : crockford.toCharArray()) {
      value = value.shiftLeft(5).or(BigInteger.valueOf(CROCKFORD.indexOf(c)));
    }
    return value;
  }

  @Test
  void idIs26CrockfordBase32Characters() {
    assertThat(new IdGenerator().next()).hasSize(26).matches(ULID);
  }

  @Test
  void idsNeverUseTheExcludedLetters() {
    assertThat(next(new IdGenerator(), 1_000)).allSatisfy(id -> assertThat(id).matches(ULID));
  }

  @Test
  void firstTenCharactersEncodeTheMillisecond() {
    // The ULID specification's example: 01ARYZ6S41... is 1469918176385 ms.
    assertThat(at(1_469_918_176_385L).next()).startsWith("01ARYZ6S41");
  }

  @Test
  void epochEncodesAsZeros() {
    assertThat(at(0).next()).startsWith("0000000000");
  }

  @Test
  void largest48BitTimeEncodesAsTheLargestUlidTime() {
    assertThat(at((1L << 48) - 1).next()).startsWith("7ZZZZZZZZZ");
  }

  @Test
  void idsIncreaseAsTheClockAdvances() {
    SettableClock clock = new SettableClock(1_000);
    IdGenerator generator = new IdGenerator(clock);
    List<String> ids = new ArrayList<>();
    for (long millis = 1_000; millis < 1_100; millis++) {
      clock.set(millis);
      ids.add(generator.next());
    }

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void idsStrictlyIncreaseWithinOneMillisecond() {
    List<String> ids = next(at(1_700_000_000_000L), 10_000);

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void idsWithinOneMillisecondKeepItsTimePrefix() {
    List<String> ids = next(at(1_469_918_176_385L), 1_000);

    assertThat(ids).allSatisfy(id -> assertThat(id).startsWith("01ARYZ6S41"));
  }

  @Test
  void idWithinOneMillisecondIsThePreviousRandomPartPlusOne() {
    IdGenerator generator = at(1_700_000_000_000L);
    String first = generator.next();
    String second = generator.next();

    assertThat(decode(second.substring(10))).isEqualTo(decode(first.substring(10)).add(BigInteger.ONE));
  }

  @Test
  void idsStillIncreaseWhenTheClockStepsBack() {
    SettableClock clock = new SettableClock(5_000);
    IdGenerator generator = new IdGenerator(clock);
    List<String> ids = new ArrayList<>(next(generator, 10));
    clock.set(4_000);
    ids.addAll(next(generator, 10));

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void clockSteppingBackKeepsTheLatestTimePrefix() {
    SettableClock clock = new SettableClock(1_469_918_176_385L);
    IdGenerator generator = new IdGenerator(clock);
    generator.next();
    clock.set(1_000);

    assertThat(generator.next()).startsWith("01ARYZ6S41");
  }

  @Test
  void idsIncreaseWhenTheClockCatchesUpAfterSteppingBack() {
    SettableClock clock = new SettableClock(5_000);
    IdGenerator generator = new IdGenerator(clock);
    List<String> ids = new ArrayList<>();
    for (long millis : new long[] {5_000, 3_000, 4_999, 5_000, 5_001, 2_000, 6_000}) {
      clock.set(millis);
      ids.addAll(next(generator, 3));
    }

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void generatorsInTheSameMillisecondDrawDifferentRandomParts() {
    assertThat(at(1_700_000_000_000L).next()).isNotEqualTo(at(1_700_000_000_000L).next());
  }

  @Test
  void concurrentCallersGetDistinctIds() throws Exception {
    IdGenerator generator = at(1_700_000_000_000L);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<List<String>> task = () -> next(generator, 5_000);
      List<Future<List<String>>> futures = pool.invokeAll(List.of(task, task, task, task));
      Set<String> ids = new HashSet<>();
      for (Future<List<String>> future : futures) {
        List<String> ofOneThread = future.get();
        assertThat(ofOneThread).isSorted();
        ids.addAll(ofOneThread);
      }
      assertThat(ids).hasSize(20_000);
    } finally {
      pool.shutdownNow();
    }
  }
}
