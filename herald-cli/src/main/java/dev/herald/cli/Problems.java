package dev.herald.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in a configuration, all of them: {@code herald config check} lists every one,
 * and {@code herald serve} refuses to start with the same list, rather than making the user fix one
 * at a time. Messages name options as the user types them ({@link OptionNames}).
 */
final class Problems {
  private final List<String> messages = new ArrayList<>();

  /** One step of the configuration, which may throw what a bad value throws. */
  interface Step {
    void run() throws java.io.IOException;
  }

  /** Runs {@code step}; a value it refuses becomes a problem instead of ending the check. */
  void attempt(Step step) {
    try {
      step.run();
    } catch (IllegalArgumentException | java.io.IOException e) {
      add(e.getMessage());
    }
  }

  void add(String message) {
    messages.add(OptionNames.inMessage(message));
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  List<String> messages() {
    return List.copyOf(messages);
  }
}
