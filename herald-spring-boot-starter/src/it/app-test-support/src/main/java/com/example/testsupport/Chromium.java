package com.example.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Debian's headless Chromium on one page; skipped without it unless HERALD_REQUIRE_BROWSER=1. */
public final class Chromium implements AutoCloseable {
  private final Process process;

  private Chromium(Process process) {
    this.process = process;
  }

  public static Chromium open(String url) throws IOException {
    Path binary = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().map(Path::of)
        .filter(Files::isExecutable).findFirst().orElse(null);
    if (binary == null) {
      if ("1".equals(System.getenv("HERALD_REQUIRE_BROWSER"))) {
        throw new AssertionError("no Chromium (apt-get install chromium)");
      }
      Assumptions.abort("no Chromium (apt-get install chromium)");
    }
    Path profile = Files.createTempDirectory("chromium");
    Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, url)
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
        .start();
    return new Chromium(process);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
