package dev.herald.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * One line for a request that got no HTTP answer, in words rather than exception class names:
 * {@code cannot connect to http://localhost:8080/.well-known/mercure: connection refused}.
 * {@link java.net.http.HttpClient} wraps the real reason (and often gives no message at all), so the
 * causes are searched from the outermost in.
 */
final class ConnectFailure {
  private ConnectFailure() {
  }

  /** What went wrong reaching {@code target}, without the {@code herald: } prefix. */
  static String describe(URI target, IOException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
        return "cannot connect to " + target + ": unknown host " + target.getHost();
      }
      if (cause instanceof HttpConnectTimeoutException) {
        return "cannot connect to " + target + ": connection timed out";
      }
      if (cause instanceof SSLException) {
        return "cannot connect to " + target + ": TLS failed: " + cause.getMessage();
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        String message = cause.getMessage();
        // The JDK's ConnectException without a message almost always means refused.
        return "cannot connect to " + target + ": " + (message == null || message.isBlank()
            || message.toLowerCase(java.util.Locale.ROOT).contains("refused")
            ? "connection refused" : message);
      }
    }
    if (failure instanceof HttpTimeoutException) {
      return target + " did not answer in time";
    }
    String message = failure.getMessage();
    return "cannot reach " + target + ": " + (message == null || message.isBlank()
        ? failure.getClass().getSimpleName() : message);
  }
}
