package dev.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive is self-contained: extracted anywhere, its bin/herald runs the hub on the bundled
 * runtime with no Java on the PATH and no JAVA_HOME, started through a symlink from elsewhere.
 */
class ArchiveIT {
  @TempDir static Path temp;
  static Path home;
  /** A PATH with the few tools the launcher uses (ls, dirname) and, checked below, no java. */
  static Map<String, String> noJava;

  @BeforeAll
  static void extract() throws Exception {
    home = Distribution.extract(Files.createDirectories(temp.resolve("opt")));
    Path tools = Files.createDirectories(temp.resolve("tools"));
    for (String tool : List.of("ls", "dirname")) {
      Files.copy(Path.of("/usr/bin", tool).toRealPath(), tools.resolve(tool));   // copies: JUnit warns on links out
    }
    noJava = Map.of("PATH", tools.toString(), "HOME", temp.toString());
  }

  /** bin/herald reached through a symlink in another directory, as /usr/bin/herald is. */
  static String linkedLauncher() throws Exception {
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Path link = elsewhere.resolve("herald");
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, home.resolve("bin/herald"));
    }
    return link.toString();
  }

  @Test
  void hasOneTopFolderWithTheLauncherRuntimeJarAndLicences() throws Exception {
    String listing = Distribution.run(List.of("tar", "-tzf", Distribution.archive().toString()));
    assertThat(listing.lines().map(entry -> entry.split("/")[0]).distinct()).containsExactly(Distribution.TOP);
    assertThat(home.resolve("bin/herald")).isExecutable();
    assertThat(home.resolve("runtime/bin/java")).isExecutable();
    assertThat(home.resolve("lib/herald.jar")).isRegularFile();
    assertThat(home.resolve("LICENSE")).isRegularFile();
    assertThat(home.resolve("runtime/legal/java.base")).isDirectory();
    assertThat(Files.readString(home.resolve("THIRD-PARTY.txt")))
        .contains("io.netty:netty-handler:", "org.xerial:sqlite-jdbc:", "Apache License", "MIT");
  }

  @Test
  void everyLibraryUnderALicenceOtherThanApacheCarriesItsText() throws Exception {
    // MIT and BSD licences must travel with their text and copyright line; Apache 2.0's is LICENSE.
    String[] entries = Files.readString(home.resolve("THIRD-PARTY.txt")).split("\n(?=\\S+:\\S+:\\S+\n)");
    int checked = 0;
    for (String entry : entries) {
      List<String> lines = entry.strip().lines().map(String::strip).toList();
      if (lines.size() < 2 || !lines.get(0).matches("[^ ]+:[^ ]+:[^ ]+") || lines.get(1).contains("Apache")) {
        continue;
      }
      List<String> texts = lines.stream().filter(line -> line.startsWith("licenses/")).toList();
      assertThat(texts).as(lines.get(0)).isNotEmpty();
      for (String text : texts) {
        // MIT: "Permission is hereby granted"; BSD: "Redistribution and use ... are permitted"
        assertThat(Files.readString(home.resolve(text))).as(text).containsPattern("(?i)permission|permitted");
      }
      checked++;
    }
    assertThat(checked).as("MIT libraries: lettuce, slf4j, redis-authx, reactive-streams").isGreaterThanOrEqualTo(5);
  }

  @Test
  void itsStarterConfigurationIsWhatConfigInitPrints() throws Exception {
    String printed = Distribution.run(List.of(home.resolve("bin/herald").toString(), "config", "init"));
    assertThat(Files.readString(home.resolve("conf/herald.properties"))).isEqualTo(printed).contains("jwt-secret");
  }

  @Test
  void bundlesAJavaRuntimeOf17OrNewerWithTheModulesReachedByReflection() throws Exception {
    String release = Files.readString(home.resolve("runtime/release"));
    String version = release.replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1");
    assertThat(Integer.parseInt(version)).isGreaterThanOrEqualTo(17);
    String modules = Distribution.run(List.of(home.resolve("runtime/bin/java").toString(), "--list-modules"));
    assertThat(modules).contains("java.sql@", "jdk.unsupported@", "jdk.crypto.ec@", "jdk.management@")
        .doesNotContain("java.desktop@", "jdk.compiler@");
  }

  @Test
  void theTestEnvironmentHasNoJava() {
    // What makes the tests below prove that the launcher uses the bundled runtime.
    for (String directory : noJava.get("PATH").split(":")) {
      assertThat(Path.of(directory, "java")).doesNotExist();
    }
    assertThat(noJava).doesNotContainKey("JAVA_HOME");
  }

  @Test
  void printsItsVersionThroughASymlinkWithoutJavaOnThePath() throws Exception {
    Path log = temp.resolve("version.log");
    ProcessBuilder builder = new ProcessBuilder(linkedLauncher(), "--version")
        .directory(temp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(noJava);
    assertThat(builder.start().waitFor()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log)).startsWith("herald " + Distribution.VERSION + " (commit ");
  }

  @Test
  void servesTheHubThroughASymlinkWithoutJavaOnThePath() throws Exception {
    int port = RunningHub.freePort();
    List<String> serve = List.of(linkedLauncher(), "serve", "--store", "memory",
        "--listen", "127.0.0.1:" + port, "--jwt-secret", Distribution.SECRET);
    try (RunningHub hub = RunningHub.start(serve, noJava, temp.resolve("serve.log"), port)) {
      String token = Distribution.run(List.of(home.resolve("bin/herald").toString(), "token",
          "--jwt-secret=" + Distribution.SECRET, "--publish", "*", "--subscribe", "*")).strip();
      assertThat(hub.publishAndReceive(token, "archive", "hello")).isEqualTo("data: hello");
    }
  }

  @Test
  void launcherGivesTheJvmTheRecommendedFlagsAndTheUsersOptions() throws Exception {
    // -version in HERALD_JAVA_OPTS comes before -jar: the JVM prints its flags and exits.
    Map<String, String> environment = new java.util.HashMap<>(noJava);
    environment.put("HERALD_JAVA_OPTS", "-XX:+UseSerialGC -XX:+PrintCommandLineFlags -version");
    ProcessBuilder builder = new ProcessBuilder(linkedLauncher()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    assertThat(output).contains("-XX:+ExitOnOutOfMemoryError", "-XX:MaxHeapSize=1073741824", "-XX:+UseSerialGC");
  }

  @Test
  void aHeapTheUserSizesReplacesTheDefaultOne() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(linkedLauncher()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(noJava);
    builder.environment().put("HERALD_JAVA_OPTS", "-Xmx256m -XX:+PrintCommandLineFlags -version");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    assertThat(output).contains("-XX:MaxHeapSize=268435456").doesNotContain("-XX:MaxHeapSize=1073741824");
  }

  @Test
  void readsConfFromItsFolderOnlyWhenTheUserPassesIt() throws Exception {
    // A hub that read this file would refuse to start (an unknown key is an error).
    Path broken = Files.createDirectories(temp.resolve("broken-conf")).resolve("herald.properties");
    Files.writeString(broken, "no-such-option=1\n");
    Path conf = home.resolve("conf/herald.properties");
    Path saved = temp.resolve("saved.properties");
    boolean hadConf = Files.exists(conf);
    if (hadConf) {
      Files.move(conf, saved);
    }
    Files.createDirectories(conf.getParent());
    Files.copy(broken, conf);
    try {
      int port = RunningHub.freePort();
      List<String> serve = List.of(linkedLauncher(), "serve", "--store", "memory",
          "--listen", "127.0.0.1:" + port, "--jwt-secret", Distribution.SECRET);
      try (RunningHub hub = RunningHub.start(serve, noJava, temp.resolve("noconf.log"), port)) {
        assertThat(hub.output()).doesNotContain("no-such-option");
      }
      ProcessBuilder asked = new ProcessBuilder(linkedLauncher(), "serve", "--store", "memory",
          "--listen", "127.0.0.1:" + RunningHub.freePort(), "--config", conf.toString())
          .redirectErrorStream(true);
      asked.environment().clear();
      asked.environment().putAll(noJava);
      Process process = asked.start();
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor()).isNotZero();
      assertThat(output).contains("no-such-option");
    } finally {
      Files.delete(conf);
      if (hadConf) {
        Files.move(saved, conf);
      }
    }
  }
}
