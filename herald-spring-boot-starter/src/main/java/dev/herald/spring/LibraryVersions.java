package dev.herald.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Checks, before any class of the hub is loaded, that the application's dependency management left
 * the libraries the hub is built on at versions it can run with. Spring Boot 3's dependency
 * management pins Netty 4.1, for example: without this check the hub would fail half-way through its
 * start with a {@code NoClassDefFoundError} for a Netty 4.2 class, which names neither the cause nor
 * the fix.
 */
final class LibraryVersions {
  private LibraryVersions() {
  }

  /** The versions Herald was built with, by library ({@code netty}, {@code lettuce}...). */
  static Map<String, String> built() {
    Properties properties = new Properties();
    try (InputStream in = LibraryVersions.class.getResourceAsStream("versions.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> versions = new TreeMap<>();
    properties.forEach((name, version) -> versions.put((String) name, (String) version));
    return versions;
  }

  /**
   * Refuses a Netty older than 4.2 on the classpath.
   *
   * @throws HeraldConfigurationException naming the artifact found and the property that fixes it
   */
  static void requireNetty() {
    String wanted = built().getOrDefault("netty", "4.2.x");
    String found = nettyVersions().entrySet().stream()
        .filter(artifact -> !atLeast(artifact.getValue(), 4, 2))
        .map(artifact -> artifact.getKey() + " " + artifact.getValue())
        .findFirst().orElse(null);
    if (found != null) {
      throw nettyTooOld(found, wanted);
    }
  }

  /** The failure for {@code found} ("netty-buffer 4.1.128.Final"), naming the version to set instead. */
  static HeraldConfigurationException nettyTooOld(String found, String wanted) {
    return new HeraldConfigurationException("The embedded Herald hub needs Netty 4.2 or newer, but the classpath has "
        + found + ". Spring Boot 3's dependency management pins Netty 4.1.",
        "Move the application to Spring Boot 4, or set the Netty version of your dependency management to "
            + wanted + ": with Maven, <netty.version>" + wanted + "</netty.version> in <properties>; with"
            + " Gradle, ext['netty.version'] = '" + wanted + "'.");
  }

  /** Netty's own record of its artifacts on the classpath ({@code netty-transport} → version). */
  private static Map<String, String> nettyVersions() {
    Map<String, String> versions = new TreeMap<>();
    try {
      io.netty.util.Version.identify().forEach((artifact, version) ->
          versions.put(artifact, version.artifactVersion()));
    } catch (NoClassDefFoundError e) { // no netty-common at all: herald-hub's dependencies were excluded
      versions.put("netty-common", "(missing)");
    }
    return versions;
  }

  /** Whether {@code version} ("4.1.128.Final") is at least {@code major.minor}. */
  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.split("[.-]");
    try {
      int foundMajor = Integer.parseInt(parts[0]);
      int foundMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return foundMajor > major || foundMajor == major && foundMinor >= minor;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
