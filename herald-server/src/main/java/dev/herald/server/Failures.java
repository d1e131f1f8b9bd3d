package dev.herald.server;

/**
 * What the server lets one request or one subscription fail with, and what it does not: errors the
 * VM cannot go on after (out of memory, internal errors) end the process's normal course, while a
 * stack overflow, like any exception, belongs to the request or subscription that caused it.
 */
final class Failures {
  private Failures() {}

  /** Rethrows {@code failure} if it is fatal to the process; returns otherwise. */
  static void rethrowIfFatal(Throwable failure) {
    if (failure instanceof VirtualMachineError fatal && !(failure instanceof StackOverflowError)) {
      throw fatal;
    }
  }
}
