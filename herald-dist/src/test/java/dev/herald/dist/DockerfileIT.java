package dev.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile next to the archive, without a container engine (none here): what it copies and
 * runs exists, and its entrypoint, started from the extracted archive as an unprivileged user,
 * serves the hub and passes its own health check. The image build itself is not exercised.
 */
class DockerfileIT {
  @TempDir static Path temp;
  static List<String> instructions;
  static Map<String, String> arguments = new LinkedHashMap<>();
  /** Where the test extracts the archive, standing for the image's /opt. */
  static Path opt;

  @BeforeAll
  static void read() throws Exception {
    String text = Files.readString(Distribution.TARGET.resolve("Dockerfile"));
    instructions = new ArrayList<>();
    for (String line : text.replace("\\\n", " ").lines().toList()) {
      if (!line.isBlank() && !line.strip().startsWith("#")) {
        instructions.add(line.strip());
      }
    }
    for (String instruction : instructions) {
      Matcher arg = Pattern.compile("ARG (\\w+)=(\\S+)").matcher(instruction);
      if (arg.matches()) {
        arguments.put(arg.group(1), arg.group(2));
      }
    }
    opt = Files.createDirectories(temp.resolve("opt"));
    Distribution.extract(opt);
  }

  static String expand(String text) {
    for (Map.Entry<String, String> argument : arguments.entrySet()) {
      text = text.replace("${" + argument.getKey() + "}", argument.getValue());
    }
    return text;
  }

  static List<String> all(String keyword) {
    return instructions.stream().filter(line -> line.startsWith(keyword + " "))
        .map(line -> expand(line.substring(keyword.length() + 1).strip())).toList();
  }

  /** The image's /opt paths on this machine: /opt/herald is the link the RUN makes to the folder. */
  static Path local(String imagePath) {
    String path = imagePath.replaceFirst("^/opt/herald(?=/|$)", "/opt/" + Distribution.TOP);
    return opt.resolve(path.substring("/opt/".length()));
  }

  /** A JSON-array instruction ["a", "b"] as its words. */
  static List<String> words(String json) {
    assertThat(json).as("exec form (no shell between the runtime and the hub's signals)").startsWith("[");
    List<String> words = new ArrayList<>();
    Matcher word = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (word.find()) {
      words.add(word.group(1).replace("\\\\", "\\").replace("\\\"", "\""));
    }
    return words;
  }

  @Test
  void addsTheArchiveThatTheBuildPutNextToIt() {
    List<String> adds = all("ADD");
    assertThat(adds).hasSize(1);
    assertThat(all("COPY")).isEmpty();
    String[] parts = adds.get(0).split("\\s+");
    assertThat(Distribution.TARGET.resolve(parts[0])).isEqualTo(Distribution.archive());
    assertThat(parts[1]).isEqualTo("/opt/");
  }

  @Test
  void itsRunLinksTheArchiveFolderAndUsesCommandsOfADebianBase() throws Exception {
    String run = String.join(" && ", all("RUN"));
    assertThat(run).contains("ln -s /opt/" + Distribution.TOP + " /opt/herald");
    assertThat(local("/opt/" + Distribution.TOP)).isDirectory();
    for (String command : run.split("&&")) {
      String program = command.strip().split("\\s+")[0];
      // The same Debian packages (coreutils, passwd) are in debian:*-slim.
      assertThat(Distribution.onPath(program)).as("%s exists on a Debian system", program).isTrue();
    }
  }

  @Test
  void runsAsAnUnprivilegedUserWithTheDataInAVolume() {
    assertThat(all("USER")).containsExactly("herald");
    assertThat(String.join(" ", all("RUN"))).contains("useradd --system", "chown herald:herald /var/lib/herald");
    assertThat(all("VOLUME")).containsExactly("/var/lib/herald");
    assertThat(all("EXPOSE")).containsExactly("8080");
  }

  @Test
  void everyPathOfItsCommandsIsInTheArchive() {
    List<String> paths = new ArrayList<>();
    for (String keyword : List.of("ENTRYPOINT", "CMD", "HEALTHCHECK")) {
      Matcher path = Pattern.compile("/opt/[\\w./-]+").matcher(String.join(" ", all(keyword)));
      while (path.find()) {
        paths.add(path.group());
      }
    }
    assertThat(paths).isNotEmpty();
    for (String path : paths) {
      assertThat(local(path)).as(path).exists();
    }
  }

  @Test
  void itsEntrypointServesTheHubAsANonRootUserAndPassesItsHealthCheck() throws Exception {
    boolean root = Distribution.root();
    if (Distribution.required()) {
      assertThat(root).as("HERALD_REQUIRE_DIST=1: root is required to switch users").isTrue();
    }
    assumeTrue(root && Distribution.onPath("setpriv"), "switching to an unprivileged user needs root and setpriv");
    Path data = Files.createDirectories(temp.resolve("var-lib-herald"));
    Distribution.run(List.of("chown", "nobody:nogroup", data.toString()));
    Distribution.run(List.of("chmod", "a+rx", temp.toString()));

    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
        "--clear-groups", "--"));
    for (String word : words(all("ENTRYPOINT").get(0))) {
      command.add(word.startsWith("/opt/") ? local(word).toString() : word);
    }
    for (String word : words(all("CMD").get(0))) {
      command.add(word.equals("/var/lib/herald") ? data.toString() : word);
    }
    int port = RunningHub.freePort();
    // The image's defaults, but a free port on loopback: 8080 may be taken on this machine.
    Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin", "HERALD_LISTEN", "127.0.0.1:" + port,
        "HERALD_JWT_SECRET", Distribution.SECRET);
    try (RunningHub hub = RunningHub.start(command, environment, temp.resolve("docker.log"), port)) {
      assertThat(Distribution.run(List.of("stat", "-c", "%U", data.resolve("events.db").toString())).strip())
          .isEqualTo("nobody");
      List<String> healthcheck = words(all("HEALTHCHECK").get(0).replaceFirst("^.*?CMD ", ""));
      healthcheck.replaceAll(word -> word.replace("/127.0.0.1/8080", "/127.0.0.1/" + port));
      List<String> asNobody = new ArrayList<>(command.subList(0, 5));
      asNobody.addAll(healthcheck);
      assertThat(Distribution.attempt(asNobody).exitCode()).as("HEALTHCHECK %s", healthcheck).isZero();

      String token = Distribution.run(List.of(local("/opt/herald/bin/herald").toString(), "token",
          "--jwt-secret=" + Distribution.SECRET, "--publish", "*", "--subscribe", "*")).strip();
      assertThat(hub.publishAndReceive(token, "docker", "contained")).isEqualTo("data: contained");
    }
  }
}
