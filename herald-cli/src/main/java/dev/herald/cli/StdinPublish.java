package dev.herald.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Arrays;

/**
 * {@code herald publish --stream}: copies standard input into one {@link StreamUpload} as it is read
 * (through {@link LineEvents} with {@code --lines}), ends the body at end of input, and reports the
 * hub's answer. Input is read on a thread of its own, so a hub that refuses the stream part-way is
 * reported at once, not at the next line of a {@code tail -f} that may be hours away.
 */
final class StdinPublish {
  private static final int BUFFER = 8192;

  private final StreamUpload upload;
  private final InputStream in;
  private final LineEvents lines;
  private volatile IOException inputFailure;

  private StdinPublish(StreamUpload upload, InputStream in, LineEvents lines) {
    this.upload = upload;
    this.in = in;
    this.lines = lines;
  }

  /**
   * Publishes {@code in} through {@code upload}, prints the ids on {@code out} and problems on
   * {@code err}; returns the exit code (0 the hub took every event, 1 otherwise). {@code lines}: null
   * for an event stream passed through as it is.
   */
  static int run(StreamUpload upload, InputStream in, LineEvents lines, URI hub, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    StdinPublish publish = new StdinPublish(upload, in, lines);
    Thread pump = new Thread(publish::pump, "herald-stdin");
    pump.setDaemon(true); // a refused stream ends the command while it still waits for input
    pump.start();
    HubAnswer answer;
    try {
      answer = upload.await();
    } catch (IOException e) {
      if (publish.inputFailure == null) {
        err.println("herald: " + hub + ": the stream broke off before the hub answered: " + e.getMessage());
      } else {
        err.println("herald: cannot read standard input: " + publish.inputFailure.getMessage());
      }
      return 1;
    }
    int code = answer.report(out, err, hub.toString());
    if (publish.inputFailure != null) {
      err.println("herald: cannot read standard input: " + publish.inputFailure.getMessage()
          + "; what was read before is published");
      return 1;
    }
    return code;
  }

  /** Input to the hub until end of input, or until the hub answered (it refused the stream). */
  private void pump() {
    byte[] buffer = new byte[BUFFER];
    try {
      while (!upload.answered()) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          inputFailure = e; // the body ends here: the hub publishes the complete events, not a cut one
          break;
        }
        if (n < 0) {
          if (lines != null) {
            upload.write(lines.end());
          }
          break;
        }
        upload.write(lines == null ? Arrays.copyOf(buffer, n) : lines.feed(buffer, 0, n));
      }
      if (!upload.answered()) {
        upload.finish();
      }
    } catch (IOException e) {
      // The connection to the hub broke: the answer fails too, and the main thread reports that.
    }
  }
}
