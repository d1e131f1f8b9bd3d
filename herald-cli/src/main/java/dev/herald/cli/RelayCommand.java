package dev.herald.cli;

import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herald relay SOURCE --hub URL --topic T}: reads one event stream, such as a model's streamed
 * answer, and publishes each of its events to a Herald hub as it arrives, in one streaming publish,
 * so that any number of viewers can watch it and resume it with {@code Last-Event-ID}.
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Reads the event stream at SOURCE once, start to end (it is never requested again: an"
        + " LLM's answer would be generated again), and publishes each event to a Herald hub as it"
        + " arrives, with its data, type and retry:, as one streaming publish to the topics. Prints the"
        + " ids of the published updates on stdout, one a line, and the number of events relayed on"
        + " stderr. The hub gives each event its id, unless --id-prefix keeps the source's.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  the source ended its stream and the hub published every event",
      "  1  the source answered with an error status or not with text/event-stream,",
      "     the stream broke off (the events before it are published), or the hub",
      "     refused (the ids of the updates published before are printed)",
      "  2  bad usage",
      "",
      "Example: relay a model's answer to its viewers on topic chats/42",
      "  herald relay https://api.example.com/v1/chat -H \"Authorization: Bearer $KEY\" \\",
      "      -H 'Content-Type: application/json' -d @request.json \\",
      "      --hub http://localhost:8080/.well-known/mercure --topic chats/42 \\",
      "      --jwt-secret \"$SECRET\""
    })
final class RelayCommand implements Callable<Integer> {
  /** Default of --read-timeout: models may think for minutes before their first token. */
  static final String DEFAULT_READ_TIMEOUT = "5m";

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  private ConfigOption config;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The event stream's http(s) URL.")
  private String source;

  @Option(names = {"-X", "--method"}, paramLabel = "METHOD",
      description = "Request method to SOURCE (default GET, or POST with --data).")
  private String method;

  @Option(names = {"-d", "--data"}, paramLabel = "BODY",
      description = "Request body to SOURCE, e.g. an LLM request; @FILE reads a file, @- standard input.")
  private String data;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
      description = "Request header to SOURCE (repeatable), e.g. -H 'Authorization: Bearer ...'.")
  private List<String> headers = new ArrayList<>();

  @Option(names = "--read-timeout", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = DEFAULT_READ_TIMEOUT,
      description = "Give up on SOURCE when nothing arrives for this long; 0 = never (default: ${DEFAULT-VALUE}).")
  private Duration readTimeout;

  @Option(names = "--hub", paramLabel = "URL", defaultValue = "http://localhost:8080" + Hub.PATH,
      description = "The Herald hub's endpoint (default: ${DEFAULT-VALUE}).")
  private URI hub;

  @Option(names = "--topic", paramLabel = "TOPIC", required = true,
      description = "Topic (repeatable: the first is canonical, the others alternates).")
  private List<String> topics = new ArrayList<>();

  @Option(names = "--private", description = "Only subscribers authorized for a topic receive the events.")
  private boolean isPrivate;

  @Option(names = "--id-prefix", paramLabel = "PREFIX",
      description = "Publish an event that has its own id: in SOURCE with PREFIX + that id (--id-prefix="
          + " keeps it as it is); without this option the hub gives every event an id, as a source's ids"
          + " are unique only in its own stream.")
  private String idPrefix;

  @Option(names = "--token", paramLabel = "JWT", description = "Publisher token for the hub.")
  private String token;

  @Option(names = "--jwt-secret", paramLabel = "SECRET",
      description = "Sign a token for these topics with this secret, valid for 24 hours: the hub ends a stream"
          + " when its token expires.")
  private String jwtSecret;

  @Override
  public Integer call() throws Exception {
    CommandLine command = spec.commandLine();
    PrintWriter out = command.getOut();
    PrintWriter err = command.getErr();
    HttpRequest request = sourceRequest();
    checkHub();
    if (idPrefix != null && (idPrefix.startsWith("#") || idPrefix.chars().anyMatch(c -> c == '\r' || c == '\n'
        || c == 0))) {
      throw new CommandLine.ParameterException(command, "--id-prefix must not start with '#' nor hold CR, LF"
          + " or NUL: the hub refuses such ids");
    }
    if (token == null && jwtSecret == null) {
      throw new CommandLine.ParameterException(command, "give --token or --jwt-secret");
    }
    String bearer = token != null ? token
        : Tokens.hmac(jwtSecret, topics, List.of(), StreamUpload.TOKEN_TTL, Instant.now());
    StreamUpload upload;
    try {
      HubAnswer refusal = preflight(bearer);
      if (refusal != null) {
        return refusal.report(out, err, hub.toString());
      }
      upload = StreamUpload.open(hub, topics, isPrivate, bearer, StreamUpload.DEFAULT_HEARTBEAT);
    } catch (IOException e) {
      err.println("herald: " + ConnectFailure.describe(hub, e));
      return 1;
    }
    try (upload) {
      SourceStream stream = new SourceStream(request, readTimeout);
      RelayedEvents events = new RelayedEvents(upload, idPrefix,
          () -> stream.cancel("the connection to the hub " + hub + " broke"));
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofMillis(StreamUpload.CONNECT_TIMEOUT_MILLIS)).build();
      stream.start(client, events);
      SourceStream.End end = firstOf(stream, upload);
      if (!upload.answered()) {
        try {
          upload.finish(); // the hub publishes what it has (an event cut off is no event) and answers
        } catch (IOException e) {
          // the answer's failure says it
        }
      }
      HubAnswer answer;
      try {
        answer = upload.await();
      } catch (IOException e) {
        err.println("herald: " + hub + ": the stream broke off before the hub answered: " + e.getMessage());
        return 1;
      }
      int code = answer.report(out, err, hub.toString());
      if (end != null && end.problem() != null) {
        err.println("herald: " + end.problem() + (end.opened() ? "; relayed the " + events(events.relayed())
            + " received before" : ""));
        return 1;
      }
      if (code == 0) {
        err.println("herald: relayed " + events(events.relayed()));
      }
      return code;
    }
  }

  /**
   * An empty streaming publish first, which publishes nothing: the hub checks the token and the topics
   * as for the real one, so that a relay the hub would refuse never asks the source (a model's answer
   * costs money) for anything. The hub answers a stream only once it ended, or refuses it. Returns the
   * hub's refusal, or null when it would take the stream.
   */
  private HubAnswer preflight(String bearer) throws IOException, InterruptedException {
    try (StreamUpload check = StreamUpload.open(hub, topics, isPrivate, bearer, Duration.ZERO)) {
      check.finish();
      HubAnswer answer = check.await();
      return answer.accepted() ? null : answer;
    }
  }

  /**
   * Waits until the source ended or the hub answered early (a refusal: then the source is stopped).
   * Returns how the source ended, or null when the hub answered first.
   */
  private static SourceStream.End firstOf(SourceStream stream, StreamUpload upload) {
    CompletableFuture.anyOf(stream.done(), upload.answer().handle((answer, error) -> null)).join();
    if (upload.answered()) {
      // Before the body ended: the hub refused the stream (or its connection broke); its answer says it.
      stream.cancel("the hub answered before the source ended");
      return null;
    }
    return stream.done().join();
  }

  private static String events(long count) {
    return count == 1 ? "1 event" : count + " events";
  }

  private HttpRequest sourceRequest() throws IOException {
    CommandLine command = spec.commandLine();
    HttpRequest.Builder request;
    try {
      URI uri = URI.create(source);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http or https URL");
      }
      request = HttpRequest.newBuilder(uri);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(command, "SOURCE must be an http or https URL: " + source);
    }
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon < 1) {
        throw new CommandLine.ParameterException(command, "--header must look like 'Name: value': " + header);
      }
      try {
        request.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(command, "--header " + header + ": " + e.getMessage());
      }
    }
    request.setHeader("Accept", "text/event-stream");
    request.setHeader("Cache-Control", "no-cache");
    HttpRequest.BodyPublisher body = data == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body(data));
    try {
      request.method(method != null ? method.toUpperCase(Locale.ROOT) : data != null ? "POST" : "GET", body);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(command, "--method: " + e.getMessage());
    }
    return request.build();
  }

  private static byte[] body(String data) throws IOException {
    if (data.equals("@-")) {
      return System.in.readAllBytes();
    }
    return data.startsWith("@") ? Files.readAllBytes(Path.of(data.substring(1)))
        : data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private void checkHub() {
    String scheme = hub.getScheme() == null ? "" : hub.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || hub.getHost() == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--hub must be an http or https URL: " + hub);
    }
  }
}
