package dev.herald.bench;

import dev.herald.hub.Hub;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Replays through a real hub on loopback: {@code events} updates of {@code size} bytes stored in
 * SQLite (no recent cache, so every page is read from the file), then {@code clients} subscribers at
 * once ask for everything with {@code Last-Event-ID: earliest} and read until they have it all. Prints
 * events/s and MB/s over all clients. The clients are plain sockets that count {@code id:} lines, so
 * that the hub, not a client's parser, is what is measured. Not JMH: a run is a whole replay. Run:
 * {@code java -cp herald-bench/target/benchmarks.jar dev.herald.bench.ReplayThroughput [events] [size] [clients]}
 */
public final class ReplayThroughput {
  private static final byte[] ID_LINE = "\nid: ".getBytes(StandardCharsets.US_ASCII);

  private ReplayThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = Files.createTempDirectory("herald-replay");
    SqliteEventLog log = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(0, 0, java.time.Duration.ZERO), new IdGenerator());
    try (Hub hub = Hub.builder().listen(new InetSocketAddress("127.0.0.1", 0)).jwtSecret("replay-bench-secret-that-is-long-enough")
        .anonymous(true).ui(false).eventLog(log).start()) {
      String data = "x".repeat(size);
      for (int done = 0; done < events; ) {
        List<Update> batch = new ArrayList<>();
        for (int i = 0; i < 1000 && done < events; i++, done++) {
          batch.add(new Update(null, List.of("https://example.com/t"), data, false, null, null));
        }
        log.append(batch);
      }
      for (int round = 0; round < 5; round++) { // the first rounds warm the JIT
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Long>> reads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          reads.add(pool.submit(() -> replay(hub.address().getPort(), events)));
        }
        long bytes = 0;
        for (Future<Long> read : reads) {
          bytes += read.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("round %d: events=%d size=%d clients=%d: %.0f events/s, %.1f MB/s, %.2f s%n", round, events,
            size, clients, (double) events * clients / seconds, bytes / seconds / 1e6, seconds);
      }
    }
  }

  /** Reads one replay of everything until {@code events} ids came; returns the bytes read. */
  private static long replay(int port, int events) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + Hub.PATH + "?topic=*&lastEventID=earliest HTTP/1.1\r\nHost: bench\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      int matched = 0;
      long seen = 0;
      long bytes = 0;
      while (seen < events) {
        int n = in.read(buffer);
        if (n < 0) {
          throw new IllegalStateException("the stream ended after " + seen + " events");
        }
        bytes += n;
        for (int i = 0; i < n; i++) { // an "\nid: " split across reads still counts once
          matched = buffer[i] == ID_LINE[matched] ? matched + 1 : (buffer[i] == ID_LINE[0] ? 1 : 0);
          if (matched == ID_LINE.length) {
            seen++;
            matched = 0;
          }
        }
      }
      return bytes;
    }
  }
}
