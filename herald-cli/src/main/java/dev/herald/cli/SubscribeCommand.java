package dev.herald.cli;

import dev.herald.client.ConnectionException;
import dev.herald.client.ErrorPolicy;
import dev.herald.client.EventSource;
import dev.herald.client.EventSourceException;
import dev.herald.client.EventSourceListener;
import dev.herald.client.HttpStatusException;
import dev.herald.client.RetryPolicy;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herald subscribe URL} or {@code herald subscribe --hub URL --topic T...}: prints what an
 * event stream really dispatches.
 */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Connects to an event stream and prints each dispatched event as it arrives, "
        + "reconnecting with Last-Event-ID like a browser's EventSource, with backoff, and also "
        + "after 5xx, 408 and 429 responses. Connection errors are reported on stderr.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  --max-events reached; the server answered 204; --timeout ended a run",
      "     that connected, without --max-events; or the stream ended under",
      "     --no-reconnect",
      "  1  an error ended the subscription, or --timeout came before --max-events",
      "  2  bad usage",
      "  3  --timeout ended a run that never connected (the server was never reached",
      "     or never answered with an event stream)",
      "",
      "Examples:",
      "  herald subscribe --hub http://localhost:8080/.well-known/mercure \\",
      "      --topic 'https://example.com/books/{id}' --token \"$TOKEN\"",
      "  herald subscribe 'http://localhost:8080/.well-known/mercure?topic=*'"
    })
final class SubscribeCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Exit code when {@code --timeout} ends a run that never opened a stream. */
  static final int NEVER_CONNECTED = 3;

  @Parameters(index = "0", arity = "0..1", paramLabel = "URL",
      description = "The event stream's http(s) URL; characters a URL may not hold, such as the braces"
          + " of a topic selector, are percent-encoded. Or give --hub and --topic.")
  private String typedUrl;

  @Option(names = "--hub", paramLabel = "URL",
      description = "A Mercure hub's URL (e.g. http://localhost:8080/.well-known/mercure), with --topic.")
  private String hub;

  @Option(names = "--topic", paramLabel = "SELECTOR",
      description = "Topic selector to subscribe to (repeatable), as written: an exact topic, * or a URI"
          + " template such as https://example.com/books/{id}; encoded into the --hub URL.")
  private List<String> topics = new ArrayList<>();

  @Option(names = "--token", paramLabel = "JWT",
      description = "Subscriber token, sent as 'Authorization: Bearer JWT'.")
  private String token;

  /** The URL connected to, as built from the arguments. */
  private URI url;

  @Option(names = "--json", description = "Print one JSON object per event: type, data, lastEventId.")
  private boolean json;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
      description = "Add a request header (repeatable), e.g. -H 'Authorization: Bearer ...'.")
  private List<String> headers = new ArrayList<>();

  @Option(names = "--last-event-id", paramLabel = "ID", description = "Resume after this event ID.")
  private String lastEventId;

  @Option(names = "--max-events", paramLabel = "N", description = "Exit 0 after N events.")
  private Integer maxEvents;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Stop after this long overall (e.g. 30s, 5m).")
  private Duration timeout;

  @Option(names = "--no-reconnect", description = "Stop at the first error or end of stream.")
  private boolean noReconnect;

  @Option(names = "--retry-policy", paramLabel = "backoff|browser", defaultValue = "backoff",
      description = "How long to wait before reconnecting. backoff (default): the reconnection time (the"
          + " server's retry:, else 3 s) doubled per consecutive failure up to 30 s, plus up to 50%% random"
          + " jitter, and at least the server's Retry-After; browser: exactly the reconnection time, as a"
          + " browser's EventSource does. Neither ever waits less than the server's retry:.")
  private Retry retryPolicy;

  @Option(names = "--read-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Reconnect when nothing arrives for this long; 0 = never (default: ${DEFAULT-VALUE}).",
      defaultValue = "60s")
  private Duration readTimeout;

  @Option(names = {"-X", "--method"}, paramLabel = "METHOD",
      description = "Request method (default GET, or POST with --data).")
  private String method;

  @Option(names = {"-d", "--data"}, paramLabel = "BODY",
      description = "Request body, e.g. for LLM streaming APIs; @FILE reads a file.")
  private String data;

  @Option(names = "--comments", description = "Also print comment lines (text output only).")
  private boolean comments;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    EventPrinter printer = new EventPrinter(spec.commandLine().getOut(), json);
    Outcome outcome = new Outcome();
    try (EventSource source = configure(printer, outcome, err).start()) {
      boolean finished = timeout == null
          ? outcome.await()
          : outcome.await(timeout);
      if (!finished) {
        source.close();
        if (!outcome.opened) {
          err.println("herald: " + url + ": never connected in " + timeout.toMillis() + " ms");
          return NEVER_CONNECTED;
        }
        if (maxEvents != null) {
          err.println("herald: timed out after " + timeout.toMillis() + " ms with "
              + outcome.events.get() + " of " + maxEvents + " events");
          return 1;
        }
        return 0;
      }
      return outcome.exitCode;
    }
  }

  private EventSource configure(EventPrinter printer, Outcome outcome, PrintWriter err)
      throws IOException {
    url = url();
    if (maxEvents != null && maxEvents < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-events must be at least 1");
    }
    EventSource.Builder builder;
    try {
      builder = EventSource.builder(url);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    builder.readTimeout(readTimeout);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--header must look like 'Name: value': " + header);
      }
      builder.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
    }
    if (lastEventId != null) {
      builder.lastEventId(lastEventId);
    }
    if (data != null || method != null) {
      HttpRequest.BodyPublisher body = data == null
          ? HttpRequest.BodyPublishers.noBody()
          : data.startsWith("@")
              ? HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(Path.of(data.substring(1))))
              : HttpRequest.BodyPublishers.ofString(data);
      builder.method(method != null ? method : "POST", body);
    }
    builder.retryPolicy(retryPolicy.policy);
    if (noReconnect) {
      builder.errorPolicy(ErrorPolicy.NEVER);
    }
    return builder.listener(new Printing(printer, outcome, err)).build();
  }

  /** The URL to connect to: the positional one, or the hub's with the topics. */
  private URI url() {
    CommandLine command = spec.commandLine();
    if (typedUrl != null && (hub != null || !topics.isEmpty())) {
      throw new CommandLine.ParameterException(command,
          "give either a URL or --hub with --topic, not both (a URL's query can hold the topics)");
    }
    if (typedUrl == null && hub == null) {
      throw new CommandLine.ParameterException(command, "give a URL, or --hub URL with one or more --topic");
    }
    if (hub != null && topics.isEmpty()) {
      throw new CommandLine.ParameterException(command, "--hub needs at least one --topic (e.g. --topic '*')");
    }
    try {
      return hub != null ? SubscriptionUrl.of(hub, topics) : SubscriptionUrl.parse(typedUrl);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(command, (hub != null ? "--hub: " : "") + e.getMessage());
    }
  }

  /** The {@code --retry-policy} choices (lower case: picocli lists them as typed). */
  enum Retry {
    backoff(RetryPolicy.backoff()),
    browser(RetryPolicy.browser());

    final RetryPolicy policy;

    Retry(RetryPolicy policy) {
      this.policy = policy;
    }
  }

  /** Prints events and decides the exit code. */
  private final class Printing implements EventSourceListener {
    private final EventPrinter printer;
    private final Outcome outcome;
    private final PrintWriter err;

    Printing(EventPrinter printer, Outcome outcome, PrintWriter err) {
      this.printer = printer;
      this.outcome = outcome;
      this.err = err;
    }

    @Override
    public void onOpen(HttpResponse.ResponseInfo response) {
      outcome.opened = true;
    }

    @Override
    public void onEvent(SseEvent event) {
      if (outcome.isDone()) {
        return;
      }
      printer.event(event);
      if (maxEvents != null && outcome.events.incrementAndGet() >= maxEvents) {
        outcome.finish(0);
      } else if (maxEvents == null) {
        outcome.events.incrementAndGet();
      }
    }

    @Override
    public void onComment(String comment) {
      if (comments && !outcome.isDone()) {
        printer.comment(comment);
      }
    }

    @Override
    public void onError(EventSourceException error, boolean willRetry) {
      if (outcome.isDone()) {
        return;
      }
      if (willRetry) {
        err.println("herald: " + url + ": " + error.getMessage() + "; reconnecting");
      } else if (error instanceof HttpStatusException status && status.statusCode() == 204) {
        outcome.finish(0);
      } else if (error instanceof ConnectionException lost && lost.endedByServer() && outcome.opened) {
        outcome.finish(0); // --no-reconnect: the stream simply ended
      } else {
        err.println("herald: " + url + ": " + error.getMessage());
        outcome.finish(1);
      }
    }

    @Override
    public void onClosed() {
      outcome.finish(outcome.exitCode);
    }
  }

  /** The run's result, set once by whichever callback ends it. */
  private static final class Outcome {
    final AtomicInteger events = new AtomicInteger();
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean opened;
    volatile int exitCode;

    synchronized void finish(int code) {
      if (done.getCount() > 0) {
        exitCode = code;
        done.countDown();
      }
    }

    boolean isDone() {
      return done.getCount() == 0;
    }

    boolean await() throws InterruptedException {
      done.await();
      return true;
    }

    boolean await(Duration limit) throws InterruptedException {
      return done.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
  }
}
