package dev.herald.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium} package) opened on one page, for browser tests. Found
 * through {@code HERALD_CHROMIUM} or the usual paths. Without it the test is skipped, unless
 * {@code HERALD_REQUIRE_BROWSER=1} (as {@code .ci/run} sets after installing it) makes that a failure.
 */
final class Chromium implements AutoCloseable {
  private static final List<String> CANDIDATES =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

  private final Process process;
  private final Path profile;
  private final Path log;

  private Chromium(Process process, Path profile, Path log) {
    this.process = process;
    this.profile = profile;
    this.log = log;
  }

  /** The browser's path; skips (or fails, when required) the calling test if there is none. */
  static Path require() {
    String configured = System.getenv("HERALD_CHROMIUM");
    List<String> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    candidates.addAll(CANDIDATES);
    for (String candidate : candidates) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    String message = "no Chromium found (tried " + candidates + "); install Debian's chromium package"
        + " (apt-get install chromium) or set HERALD_CHROMIUM";
    if ("1".equals(System.getenv("HERALD_REQUIRE_BROWSER"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
    return null;
  }

  /**
   * Starts headless Chromium on {@code url} with a fresh profile and the flags that keep it off the
   * network (this machine's network is closed) plus {@code extraFlags}.
   */
  static Chromium open(String url, String... extraFlags) throws IOException {
    Path binary = require();
    Path profile = Files.createTempDirectory("herald-chromium");
    Path log = Files.createTempFile("herald-chromium", ".log");
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile));
    command.addAll(List.of(extraFlags));
    command.add(url);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return new Chromium(process, profile, log);
  }

  /**
   * Starts headless Chromium on {@code about:blank} with the DevTools Protocol on a port the browser
   * picks ({@code --remote-debugging-port=0}, so parallel tests never collide); see {@link #devToolsPort}.
   */
  static Chromium openForDevTools(String... extraFlags) throws IOException {
    List<String> flags = new ArrayList<>(List.of("--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--hide-scrollbars", "--force-color-profile=srgb",
        "--window-size=1280,900"));
    flags.addAll(List.of(extraFlags));
    return open("about:blank", flags.toArray(String[]::new));
  }

  /**
   * The DevTools port, read from {@code DevToolsActivePort} in the profile directory, which the
   * browser writes once it listens (first line: the port; second: the browser target's path).
   */
  int devToolsPort(Duration timeout) throws IOException, InterruptedException {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Chromium exited with " + process.exitValue() + " before listening:\n" + logTail());
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        // The file may be seen before its first line is complete: only a whole number counts.
        if (!lines.isEmpty() && lines.get(0).matches("\\d+") && lines.size() >= 2) {
          return Integer.parseInt(lines.get(0));
        }
      }
      Thread.sleep(25);
    }
    throw new IOException("Chromium wrote no DevToolsActivePort within " + timeout + ":\n" + logTail());
  }

  /** The end of the browser's own output, for a failure message. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no browser log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    Files.deleteIfExists(log);
  }
}
