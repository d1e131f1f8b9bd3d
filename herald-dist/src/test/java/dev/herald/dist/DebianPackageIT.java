package dev.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package on this machine: installed, run as its service user, removed and purged.
 * The steps share one installation, so they run in order; the package is purged afterwards
 * whatever happened. Needs root and dpkg; skipped without them unless HERALD_REQUIRE_DIST=1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {
  static final String UNIT = "/lib/systemd/system/herald.service";
  @TempDir static Path temp;

  @BeforeAll
  static void install() throws Exception {
    boolean possible = Distribution.root() && Distribution.onPath("dpkg") && Distribution.onPath("dpkg-deb");
    if (Distribution.required()) {
      assertThat(possible).as("HERALD_REQUIRE_DIST=1: root, dpkg and dpkg-deb are required").isTrue();
    }
    assumeTrue(possible, "the Debian package tests need root, dpkg and dpkg-deb");
    assertThat(Distribution.debianPackage()).isRegularFile();
    Distribution.attempt(List.of("dpkg", "--purge", "herald"));   // a leftover of an aborted run
    Distribution.run(List.of("dpkg", "-i", Distribution.debianPackage().toString()));
  }

  @AfterAll
  static void purge() throws Exception {
    if (Distribution.root() && Distribution.onPath("dpkg")) {
      Distribution.attempt(List.of("dpkg", "--purge", "herald"));
    }
  }

  @Test
  @Order(1)
  void installsTheCommandOnThePath() throws Exception {
    assertThat(Path.of("/usr/bin/herald")).isSymbolicLink();
    assertThat(Distribution.run(List.of("herald", "--version")))
        .startsWith("herald " + Distribution.VERSION + " (commit ");
    assertThat(Path.of("/usr/lib/herald/runtime/bin/java")).isExecutable();
    assertThat(Path.of("/usr/share/doc/herald/copyright")).isRegularFile();
  }

  @Test
  @Order(1)
  void lintianFindsNoPolicyError() throws Exception {
    boolean lintian = Distribution.onPath("lintian");
    if (Distribution.required()) {
      assertThat(lintian).as("HERALD_REQUIRE_DIST=1: lintian is required (scripts/prerequisites.sh)").isTrue();
    }
    assumeTrue(lintian, "lintian is not installed");
    // The maintainer address is a placeholder until the first release (docs/releasing.md).
    Distribution.Result result = Distribution.attempt(List.of("lintian", "--tag-display-limit", "0",
        "--suppress-tags", "bogus-mail-host,bogus-mail-host-in-debian-changelog",
        Distribution.debianPackage().toString()));

    assertThat(result.output().lines().filter(line -> line.startsWith("E: "))).as(result.output()).isEmpty();
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  @Order(2)
  void createsTheServiceUserAndItsDataDirectory() throws Exception {
    assertThat(Distribution.run(List.of("id", "herald"))).contains("(herald)");
    assertThat(Distribution.run(List.of("stat", "-c", "%U:%G %a", "/var/lib/herald")).strip())
        .isEqualTo("herald:herald 750");
    assertThat(Distribution.run(List.of("getent", "passwd", "herald"))).contains("/var/lib/herald");
  }

  @Test
  @Order(3)
  void installsTheConfigurationAsAConffileReadableByTheServiceOnly() throws Exception {
    Path config = Path.of("/etc/herald/herald.properties");
    assertThat(Distribution.run(List.of("dpkg-query", "-W", "-f=${Conffiles}", "herald")))
        .contains(config.toString());
    assertThat(Distribution.run(List.of("stat", "-c", "%U:%G %a", config.toString())).strip())
        .isEqualTo("root:herald 640");
  }

  @Test
  @Order(4)
  void theUnitIsHardenedAndRunsTheHubAsTheServiceUser() throws Exception {
    String unit = Files.readString(Path.of(UNIT));
    assertThat(unit.lines().map(String::strip)).contains(
        "User=herald",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/herald",
        "PrivateTmp=yes",
        "ProtectHome=yes");
    String execStart = unit.lines().filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow();
    assertThat(execStart).startsWith("ExecStart=/usr/bin/herald serve ").contains("--data-dir /var/lib/herald");
    assertThat(execStart).contains("--config /etc/herald/herald.properties");
    long files = unit.lines().filter(line -> line.startsWith("LimitNOFILE="))
        .mapToLong(line -> Long.parseLong(line.substring("LimitNOFILE=".length()))).findFirst().orElse(0);
    assertThat(files).as("LimitNOFILE, for 100,000 connections").isGreaterThanOrEqualTo(200_000);
  }

  @Test
  @Order(4)
  void aFirstInstallNeitherEnablesNorStartsTheService() {
    // It would run in development mode until a secret is configured (docs/install.md).
    assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/herald.service")).doesNotExist();
  }

  @Test
  @Order(5)
  void theUnitPassesSystemdAnalyzeWhereItExists() throws Exception {
    assumeTrue(Distribution.onPath("systemd-analyze"), "no systemd-analyze on this machine");
    Distribution.Result result = Distribution.attempt(List.of("systemd-analyze", "verify", UNIT));
    // Without systemd running (containers) it may warn about the manager; errors about the unit
    // itself name the file.
    assertThat(result.output()).as("systemd-analyze verify %s", UNIT).doesNotContain("herald.service:");
  }

  @Test
  @Order(6)
  void theInstalledHubServesAsTheHeraldUser() throws Exception {
    int port = RunningHub.freePort();
    // ExecStart's command line, as the unit's user, on a free loopback port.
    List<String> command = new java.util.ArrayList<>(List.of("runuser", "-u", "herald", "--",
        "/usr/bin/herald", "serve", "--config", "/etc/herald/herald.properties",
        "--data-dir", "/var/lib/herald", "--listen", "127.0.0.1:" + port,
        "--jwt-secret", Distribution.SECRET));
    Map<String, String> environment = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    try (RunningHub hub = RunningHub.start(command, environment, temp.resolve("deb.log"), port)) {
      String token = Distribution.run(List.of("herald", "token", "--jwt-secret=" + Distribution.SECRET,
          "--publish", "*", "--subscribe", "*")).strip();
      assertThat(hub.publishAndReceive(token, "deb", "installed")).isEqualTo("data: installed");
    }
    assertThat(Distribution.run(List.of("stat", "-c", "%U", "/var/lib/herald/events.db")).strip())
        .isEqualTo("herald");
  }

  @Test
  @Order(7)
  void removeKeepsTheDataAndPurgeRemovesConfigurationDataAndUser() throws Exception {
    Distribution.run(List.of("dpkg", "-r", "herald"));
    assertThat(Path.of("/usr/bin/herald")).doesNotExist();
    assertThat(Path.of("/var/lib/herald/events.db")).exists();
    assertThat(Distribution.attempt(List.of("id", "herald")).exitCode()).isZero();

    Distribution.run(List.of("dpkg", "-P", "herald"));
    assertThat(Path.of("/etc/herald")).doesNotExist();
    assertThat(Path.of("/var/lib/herald")).doesNotExist();
    assertThat(Distribution.attempt(List.of("id", "herald")).exitCode()).isNotZero();
    assertThat(Distribution.attempt(List.of("getent", "group", "herald")).exitCode()).isNotZero();
  }
}
