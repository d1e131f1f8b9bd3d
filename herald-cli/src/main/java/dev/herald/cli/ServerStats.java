package dev.herald.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of a process on Linux, from {@code /proc/<pid>/stat} (utime + stime,
 * in clock ticks: {@code getconf CLK_TCK}, 100 when that cannot be run) and
 * {@code /proc/<pid>/status} ({@code VmRSS}).
 */
final class ServerStats {
  private static volatile long ticksPerSecond;

  /** One reading. */
  record Sample(long nanoTime, long cpuTicks, long rssBytes) {}

  private ServerStats() {}

  /** Whether the process can be read. */
  static boolean readable(long pid) {
    return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** This process's sample, or null where there is no /proc (the bench's own CPU is then not reported). */
  static Sample self() throws IOException {
    long pid = ProcessHandle.current().pid();
    return readable(pid) ? sample(pid) : null;
  }

  static Sample sample(long pid) throws IOException {
    long now = System.nanoTime();
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
    return new Sample(now, cpuTicks(stat), rssBytes(status));
  }

  /** utime + stime: fields 14 and 15, counted after the command name, which may hold spaces. */
  static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  static long rssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    return 0;
  }

  /** CPU used between two samples, in percent of one core. */
  static double cpuPercent(Sample from, Sample to) {
    double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
    return seconds <= 0 ? 0 : (to.cpuTicks() - from.cpuTicks()) / (double) ticksPerSecond() / seconds * 100;
  }

  static long ticksPerSecond() {
    if (ticksPerSecond == 0) {
      long ticks = 100;
      try {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
          ticks = Long.parseLong(out);
        }
      } catch (IOException | NumberFormatException e) {
        // assume the usual 100
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ticksPerSecond = ticks;
    }
    return ticksPerSecond;
  }
}
