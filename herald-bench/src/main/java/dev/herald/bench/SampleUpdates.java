package dev.herald.bench;

import dev.herald.log.Update;
import java.util.List;

/** Updates the storage benchmarks write: a typical small hub update. */
final class SampleUpdates {
  private SampleUpdates() {}

  static Update small() {
    return new Update(null, List.of("https://example.com/users/42"),
        "{\"user\":\"alice\",\"status\":\"online\",\"seq\":100000,\"ts\":1700000000000}", false, "update", null);
  }
}
