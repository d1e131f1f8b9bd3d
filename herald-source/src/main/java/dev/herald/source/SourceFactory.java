package dev.herald.source;

/**
 * Makes the sources of one URI scheme ({@code postgresql}, {@code kafka}, ...). Connector modules
 * register one with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.herald.source.SourceFactory}; {@link Sources#open} picks it by scheme.
 */
public interface SourceFactory {
  /** The URI schemes this factory takes, lower case. */
  java.util.Set<String> schemes();

  /**
   * A source for {@code uri}, not yet connected: it must not connect nor start a thread before
   * {@link Source#connect} ({@code herald config check} makes sources only to check their URIs). Reads every query parameter it knows with
   * {@link SourceUri}, and {@link SourceUri#requireAllUsed() fails} on any other.
   *
   * @throws IllegalArgumentException naming what is wrong with the URI
   */
  Source create(SourceUri uri);
}
