package dev.herald.client;

/**
 * Decides whether an {@link EventSource} reconnects after an error or closes for good. 204 and a
 * wrong content type are never retried by the built-in policies, as the standard requires.
 */
@FunctionalInterface
public interface ErrorPolicy {
  /**
   * The default for services: reconnect after network errors, ended streams and read timeouts, and
   * after 5xx, 408 and 429 responses (honouring {@code Retry-After}); close for good on other
   * statuses, a wrong content type, and streams that break the parser's limits.
   */
  ErrorPolicy RESILIENT = error -> error instanceof ConnectionException
      || error instanceof ReadTimeoutException
      || (error instanceof HttpStatusException status && isRetryableStatus(status.statusCode()));

  /**
   * Exactly the standard: reconnect only after network errors and ended streams (and read timeouts,
   * which browsers do not have); any status other than 200 closes for good.
   */
  ErrorPolicy BROWSER = error -> error instanceof ConnectionException
      || error instanceof ReadTimeoutException;

  /** Never reconnect: the first error closes the source. */
  ErrorPolicy NEVER = error -> false;

  /** Whether to reconnect after {@code error}. */
  boolean shouldRetry(EventSourceException error);

  /** 5xx, 408 Request Timeout and 429 Too Many Requests. */
  static boolean isRetryableStatus(int status) {
    return status >= 500 && status <= 599 || status == 408 || status == 429;
  }
}
