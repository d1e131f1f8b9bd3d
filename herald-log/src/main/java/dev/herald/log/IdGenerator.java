package dev.herald.log;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Event ids as ULIDs: 26 characters, Crockford base32, 48 bits of milliseconds then 80 random bits,
 * incremented within the same millisecond, so that ids sort in publish order. Thread-safe.
 */
public final class IdGenerator {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  private long randomHigh; // 16 bits
  private long randomLow;  // 64 bits

  /** A generator on the system clock. */
  public IdGenerator() {
    this(Clock.systemUTC());
  }

  IdGenerator(Clock clock) {
    this.clock = clock;
  }

  /** The next id. */
  public synchronized String next() {
    long millis = Math.max(clock.millis(), lastMillis); // a clock stepping back must not reorder ids
    if (millis == lastMillis) {
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & 0xFFFF;
      }
    } else {
      lastMillis = millis;
      randomHigh = random.nextInt(1 << 16);
      randomLow = random.nextLong() & 0x7FFFFFFFFFFFFFFFL; // room to increment
    }
    char[] out = new char[26];
    encode(out, 0, 10, millis);
    // 80 random bits: 16 high bits then 64 low bits, read as one 80-bit number in 16 groups of 5.
    long top = (randomHigh << 24) | (randomLow >>> 40);    // 40 bits
    long bottom = randomLow & 0xFFFFFFFFFFL;               // 40 bits
    encode(out, 10, 8, top);
    encode(out, 18, 8, bottom);
    return new String(out);
  }

  private static void encode(char[] out, int offset, int chars, long value) {
    for (int i = offset + chars - 1; i >= offset; i--) {
      out[i] = ALPHABET[(int) (value & 31)];
      value >>>= 5;
    }
  }
}
