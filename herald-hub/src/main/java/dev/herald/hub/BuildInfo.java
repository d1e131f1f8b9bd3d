package dev.herald.hub;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit this module was built from, as the build wrote them into
 * {@code build.properties} (herald-hub/pom.xml): {@code unknown} for what the build could not tell
 * (no git, a source archive) or when the classes run without the build's resources (an IDE).
 * Read once: {@code /metrics} exposes it as {@code herald_build_info}.
 */
record BuildInfo(String version, String commit) {
  static final BuildInfo CURRENT = read();

  private static BuildInfo read() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // unknown below: a missing build record must not stop a hub
    }
    return new BuildInfo(value(properties, "version"), value(properties, "commit"));
  }

  /** The value, or {@code unknown} when absent or never filled in (a resource copied unfiltered). */
  static String value(Properties properties, String name) {
    String value = properties.getProperty(name, "").strip();
    return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
  }
}
