package dev.herald.hub;

import java.util.SplittableRandom;

/**
 * Runs a property over several generated cases (a copy of herald-sse's runner, whose test classes
 * this module cannot see). Each case gets its own seed, derived from a base seed
 * ({@code -Dherald.seed=N} to replay a run); a failure names the seed of the failing case, so
 * {@code -Dherald.seed=<base>} with the same trial count reproduces it exactly.
 */
public final class Trials {
  private static final long BASE_SEED = Long.getLong("herald.seed", 0x5EE5EEDL);

  /** A property that may throw checked exceptions (it talks to a hub). */
  @FunctionalInterface
  public interface Property {
    void check(SplittableRandom random) throws Exception;
  }

  private Trials() {}

  public static void run(int count, Property property) {
    SplittableRandom seeds = new SplittableRandom(BASE_SEED);
    for (int trial = 0; trial < count; trial++) {
      long seed = seeds.nextLong();
      try {
        property.check(new SplittableRandom(seed));
      } catch (Exception | AssertionError e) {
        throw new AssertionError("property failed on trial " + trial + " (case seed " + seed
            + ", base seed " + BASE_SEED + "): " + e.getMessage(), e);
      }
    }
  }
}
