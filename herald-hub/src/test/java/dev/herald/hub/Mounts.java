package dev.herald.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real file systems for tests of what a hub does when its disk fails: a small tmpfs that fills up, an
 * ext4 image on a loop device that the kernel turns read-only. They need root (CI runs as root); where
 * the first mount is refused the test is skipped with the reason, never faked. Every command is bounded
 * (10 s) and every mount is undone by {@link #close()}.
 */
final class Mounts implements AutoCloseable {
  private static final long COMMAND_SECONDS = 10;

  private final Path dir;
  private final Path image; // the ext4 image behind a loop mount; null for a tmpfs

  private Mounts(Path dir, Path image) {
    this.dir = dir;
    this.image = image;
  }

  /** Mounts a tmpfs of {@code size} (e.g. {@code 8m}) on the empty directory {@code dir}; skips if refused. */
  static Mounts tmpfs(Path dir, String size) {
    assumeMounted(run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString()),
        "a tmpfs");
    return new Mounts(dir, null);
  }

  /**
   * Makes an ext4 file system of {@code megabytes} in {@code image}, mounts it on {@code dir} through a
   * loop device with {@code errors=remount-ro} (what servers use: an error turns the disk read-only);
   * skips if the machine has no loop devices.
   */
  static Mounts ext4(Path image, Path dir, int megabytes) {
    Result made = run("sh", "-c", "truncate -s " + megabytes + "M '" + image + "' && mkfs.ext4 -q -F '" + image + "'");
    Assumptions.assumeTrue(made.ok(), () -> "skipped: cannot make an ext4 image (mkfs.ext4): " + made.output());
    assumeMounted(run("mount", "-o", "loop,errors=remount-ro", image.toString(), dir.toString()),
        "an ext4 image on a loop device");
    return new Mounts(dir, image);
  }

  private static void assumeMounted(Result result, String what) {
    Assumptions.assumeTrue(result.ok(), () -> "skipped: this test needs root and mount(8) to mount " + what
        + " (CI runs as root); mount said: " + result.output());
  }

  Path dir() {
    return dir;
  }

  /**
   * Turns the ext4 file system read-only as the kernel does on an error with {@code errors=remount-ro}
   * (it cannot be made read-only by a remount while files are open for writing: mount says busy).
   */
  void failReadOnly() {
    String device = run("findmnt", "-n", "-o", "SOURCE", dir.toString()).require("findmnt").output().strip();
    String name = Path.of(device).getFileName().toString();
    run("sh", "-c", "echo 1 > /sys/fs/ext4/" + name + "/trigger_fs_error").require("trigger an ext4 error");
  }

  /** Checks and repairs the (unmounted) ext4 image, as an operator would before mounting it again. */
  void fsck() {
    Result checked = run("e2fsck", "-f", "-y", image.toString());
    if (checked.exit() > 1) { // 0: clean, 1: errors corrected
      throw new IllegalStateException("e2fsck failed (" + checked.exit() + "): " + checked.output());
    }
  }

  /** Unmounts (the hub must have closed its files), leaving the image for {@link #mountAgain()}. */
  void unmount() {
    run("umount", dir.toString()).require("umount");
  }

  /** Mounts the ext4 image again after {@link #unmount()}. */
  void mountAgain() {
    run("mount", "-o", "loop,errors=remount-ro", image.toString(), dir.toString()).require("mount again");
  }

  /** Unmounts whatever is still mounted (lazily if busy, so that no test leaves a mount behind). */
  @Override
  public void close() {
    if (!run("mountpoint", "-q", dir.toString()).ok()) {
      return;
    }
    if (!run("umount", dir.toString()).ok()) {
      run("umount", "-l", dir.toString()).require("umount -l");
    }
  }

  /** What a command did. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }

    Result require(String what) {
      if (!ok()) {
        throw new IllegalStateException(what + " failed (" + exit + "): " + output);
      }
      return this;
    }
  }

  static Result run(String... command) {
    List<String> line = new ArrayList<>(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", line) + " did not finish within " + COMMAND_SECONDS + " s");
      }
      return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, String.join(" ", line) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
