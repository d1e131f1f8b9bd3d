// PostgreSQL's own NOTIFY delivery latency, without Herald: one connection LISTENs, another sends
// pg_notify('herald_probe', '<n> <System.nanoTime()>') 1,000 times a second (synchronous_commit off),
// and the listener takes the difference when pgjdbc's getNotifications(TIMEOUT) returns it. The floor
// under the outbox source's INSERT-to-subscriber latency (docs/benchmarks.md).
// java -cp herald-cli/target/herald.jar bench/PgNotifyLatency.java [timeout-ms, default 100] [count, default 10000] [pace]
// pace: sleep1ms (default) paces the sender with whole-millisecond sleeps; park200us with 200 µs parks,
// which on the 2-vCPU development VM makes the listener receive notifications in bursts, tens of
// milliseconds late (docs/benchmarks.md).
import java.sql.*;
import java.util.*;
import org.postgresql.*;

public class PgNotifyLatency {
  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:5432/test";
    Connection c = DriverManager.getConnection(url, "postgres", "");
    c.createStatement().execute("LISTEN herald_probe");
    PGConnection pg = c.unwrap(PGConnection.class);
    int total = a.length > 1 ? Integer.parseInt(a[1]) : 10_000;
    int timeout = a.length > 0 ? Integer.parseInt(a[0]) : 100;
    boolean park = a.length > 2 && a[2].equals("park200us");
    long[] lat = new long[total];
    Thread ins = new Thread(() -> {
      try (Connection ic = DriverManager.getConnection(url, "postgres", "")) {
        ic.createStatement().execute("SET synchronous_commit = off");
        PreparedStatement p = ic.prepareStatement("SELECT pg_notify('herald_probe', ?)");
        long start = System.nanoTime();
        for (int n = 0; n < total; n++) {
          while (System.nanoTime() < start + n * 1_000_000L) if (park) java.util.concurrent.locks.LockSupport.parkNanos(200_000); else Thread.sleep(1);
          p.setString(1, n + " " + System.nanoTime());
          p.executeQuery().close();
        }
      } catch (Exception e) { throw new RuntimeException(e); }
    });
    ins.start();
    int got = 0, calls = 0;
    while (got < total) {
      PGNotification[] ns = pg.getNotifications(timeout);
      calls++;
      long now = System.nanoTime();
      if (ns != null) for (PGNotification n : ns) { String[] p = n.getParameter().split(" "); lat[Integer.parseInt(p[0])] = now - Long.parseLong(p[1]); got++; }
    }
    Arrays.sort(lat);
    System.out.printf("pace=%s timeout=%d calls=%d p50=%.2fms p90=%.2fms p99=%.2fms%n", park ? "park200us" : "sleep1ms", timeout, calls, lat[total/2]/1e6, lat[total*9/10]/1e6, lat[total*99/100]/1e6);
  }
}
