package dev.herald.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * The hub's answer to a streaming publish: {@code 200} with the ids of the published updates, one a
 * line; otherwise a first line {@code code: message} and then the ids of the updates published
 * before the refusal.
 *
 * @param status the HTTP status
 * @param body the body as text
 */
record HubAnswer(int status, String body) {
  /** Whether the hub published the whole stream. */
  boolean accepted() {
    return status == 200;
  }

  /** The ids of the published updates, in order (after a refusal: those before it). */
  List<String> ids() {
    List<String> lines = body.lines().toList();
    return accepted() ? lines : lines.subList(Math.min(1, lines.size()), lines.size());
  }

  /** A refusal's first line, {@code code: message} from a Herald hub ({@code ""} when empty). */
  String reason() {
    return body.lines().findFirst().orElse("").strip();
  }

  /**
   * Prints the ids on {@code out}, one a line, also after a refusal: those updates are published, and
   * a caller that sends the rest again needs to know which. A refusal's reason goes to {@code err}.
   * Returns the exit code: 0 accepted, 1 refused.
   */
  int report(PrintWriter out, PrintWriter err, String hub) {
    ids().forEach(out::println);
    out.flush();
    if (accepted()) {
      return 0;
    }
    err.println("herald: " + hub + " answered HTTP " + status + (reason().isEmpty() ? "" : ": " + reason()));
    return 1;
  }
}
