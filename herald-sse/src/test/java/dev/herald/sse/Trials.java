package dev.herald.sse;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over many generated cases. Each case gets its own seed, derived from a base seed
 * ({@code -Dherald.seed=N} to replay a run); a failure names the seed of the failing case, so
 * {@code -Dherald.seed=<base>} with the same trial count reproduces it exactly.
 */
final class Trials {
  private static final long BASE_SEED = Long.getLong("herald.seed", 0x5EE5EEDL);

  private Trials() {}

  static void run(int count, Consumer<SplittableRandom> property) {
    SplittableRandom seeds = new SplittableRandom(BASE_SEED);
    for (int trial = 0; trial < count; trial++) {
      long seed = seeds.nextLong();
      try {
        property.accept(new SplittableRandom(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed on trial " + trial + " (case seed " + seed
            + ", base seed " + BASE_SEED + "): " + e.getMessage(), e);
      }
    }
  }
}
