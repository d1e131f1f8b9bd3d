package dev.herald.source;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the {@link SourceFactory} for a source URI among the connectors on the class path. */
public final class Sources {
  private Sources() {}

  /**
   * A source for {@code uri} ({@code postgresql://...}, {@code kafka://...}, ...), not yet connected.
   *
   * @throws IllegalArgumentException when the URI is malformed, no connector takes its scheme (the
   *     message lists those that do), or the connector refuses it
   */
  public static Source open(String uri) {
    SourceUri parsed = SourceUri.parse(uri);
    List<SourceFactory> factories = new ArrayList<>();
    ServiceLoader.load(SourceFactory.class, Sources.class.getClassLoader()).forEach(factories::add);
    TreeSet<String> known = new TreeSet<>();
    for (SourceFactory factory : factories) {
      if (factory.schemes().contains(parsed.scheme())) {
        return factory.create(parsed);
      }
      known.addAll(factory.schemes());
    }
    throw new IllegalArgumentException("no source connector for '" + parsed.scheme() + "://' in "
        + parsed.redacted() + (known.isEmpty() ? "; none is installed" : "; installed: " + String.join(", ", known)));
  }
}
