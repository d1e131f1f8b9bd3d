package dev.herald.client;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the builders and policies, with messages that name the setting. */
final class Checks {
  private Checks() {}

  static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  static int requirePositive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }
}
