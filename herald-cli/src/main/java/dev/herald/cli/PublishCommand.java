package dev.herald.cli;

import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald publish}: one update to a Mercure hub, printing its id; or, with {@code --stream}, every
 * event of standard input as it is read, printing their ids.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Publishes one update to a Mercure hub (Herald or any other) and prints the event id. "
        + "With --stream, publishes standard input to a Herald hub instead, each event as soon as it is "
        + "read, in one request, and prints the ids, one a line. "
        + "Authenticate with --token, or with --jwt-secret to sign a short-lived token for the topics. "
        + "Options can also come from HERALD_<OPTION> variables (e.g. HERALD_JWT_SECRET).",
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  published",
        "  1  the hub refused or could not be reached (with --stream, the ids of the",
        "     updates published before a refusal are printed all the same)",
        "  2  bad usage",
        "",
        "Examples:",
        "  herald publish --topic news --data 'extra!' --jwt-secret \"$SECRET\"",
        "  tail -f build.log | herald publish --stream --lines --topic builds/42 \\",
        "      --token \"$T\"",
        "  printf 'event: step\\ndata: compiled\\n\\n' | herald publish --stream \\",
        "      --topic builds/42 --token \"$T\""})
final class PublishCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  private ConfigOption config;

  @Option(names = "--hub", paramLabel = "URL", defaultValue = "http://localhost:8080" + Hub.PATH,
      description = "The hub's endpoint (default: ${DEFAULT-VALUE}).")
  private URI hub;

  @Option(names = "--topic", paramLabel = "TOPIC", required = true,
      description = "Topic (repeatable: the first is canonical, the others alternates).")
  private List<String> topics = new ArrayList<>();

  @Option(names = {"-d", "--data"}, paramLabel = "DATA", defaultValue = "",
      description = "The payload; @FILE reads a file, @- standard input.")
  private String data;

  @Option(names = "--id", paramLabel = "ID", description = "Event id (default: the hub generates one).")
  private String id;

  @Option(names = "--type", paramLabel = "TYPE", description = "Event type (the SSE 'event:' field).")
  private String type;

  @Option(names = "--retry", paramLabel = "MILLIS", description = "Reconnection time for subscribers.")
  private Long retry;

  @Option(names = "--private", description = "Only subscribers authorized for a topic receive it.")
  private boolean isPrivate;

  @Option(names = "--stream",
      description = "Publish standard input, an event stream (data:, event:, id: and retry: lines, a blank"
          + " line after each event), as one update per event, each as soon as it is read; an event without"
          + " id: gets one from the hub. The input may go on for ever (tail -f): a comment line keeps the"
          + " request open while it is quiet. Needs a Herald hub (streaming publish).")
  private boolean stream;

  @Option(names = "--lines",
      description = "With --stream: each line of input (ending in LF, CRLF or CR) is one event's data instead;"
          + " an empty line is an event with empty data; --type sets every event's type.")
  private boolean lines;

  @Option(names = "--token", paramLabel = "JWT", description = "Publisher token.")
  private String token;

  @Option(names = "--jwt-secret", paramLabel = "SECRET",
      description = "Sign a token for these topics with this secret: valid for 1 minute, or 24 hours with"
          + " --stream (the hub ends a stream when its token expires).")
  private String jwtSecret;

  @Override
  public Integer call() throws Exception {
    checkStreamOptions();
    if (token == null && jwtSecret == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --token or --jwt-secret");
    }
    String bearer = token != null ? token
        : Tokens.hmac(jwtSecret, topics, List.of(), stream ? StreamUpload.TOKEN_TTL : Duration.ofMinutes(1),
            Instant.now());
    if (stream) {
      return publishStream(bearer);
    }
    StringJoiner form = new StringJoiner("&");
    topics.forEach(topic -> add(form, "topic", topic));
    add(form, "data", payload());
    if (id != null) {
      add(form, "id", id);
    }
    if (type != null) {
      add(form, "type", type);
    }
    if (retry != null) {
      add(form, "retry", Long.toString(retry));
    }
    if (isPrivate) {
      add(form, "private", "on");
    }
    HttpRequest.Builder requestBuilder;
    try {
      requestBuilder = HttpRequest.newBuilder(hub);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--hub must be an http or https URL: " + hub);
    }
    HttpRequest request = requestBuilder
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + bearer)
        .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
        .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("herald: " + ConnectFailure.describe(hub, e));
      return 1;
    }
    if (response.statusCode() != 200) {
      spec.commandLine().getErr().println("herald: " + hub + " answered HTTP " + response.statusCode()
          + ": " + response.body().strip());
      return 1;
    }
    spec.commandLine().getOut().println(response.body().strip());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The options that describe one update make no sense for a stream, and --lines none without one. */
  private void checkStreamOptions() {
    CommandLine command = spec.commandLine();
    if (lines && !stream) {
      throw new CommandLine.ParameterException(command, "--lines needs --stream");
    }
    if (!stream) {
      return;
    }
    if (!data.isEmpty() || command.getParseResult().hasMatchedOption("--data")) {
      throw new CommandLine.ParameterException(command,
          "--stream publishes standard input: give no --data (e.g. herald publish --stream ... < FILE)");
    }
    if (id != null || retry != null) {
      throw new CommandLine.ParameterException(command,
          "--id and --retry are for one update: with --stream, write id: and retry: lines in the input");
    }
    if (type != null && !lines) {
      throw new CommandLine.ParameterException(command,
          "--type with --stream needs --lines: an event stream gives each event's type in an event: line");
    }
  }

  private int publishStream(String bearer) throws Exception {
    if (!(("http".equalsIgnoreCase(hub.getScheme()) || "https".equalsIgnoreCase(hub.getScheme()))
        && hub.getHost() != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--hub must be an http or https URL: " + hub);
    }
    LineEvents lineEvents;
    try {
      lineEvents = lines ? new LineEvents(type) : null;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--type: " + e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    try (StreamUpload upload = open(bearer)) {
      if (upload == null) {
        return 1;
      }
      return StdinPublish.run(upload, System.in, lineEvents, hub, spec.commandLine().getOut(), err);
    }
  }

  private StreamUpload open(String bearer) {
    try {
      return StreamUpload.open(hub, topics, isPrivate, bearer, StreamUpload.DEFAULT_HEARTBEAT);
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("herald: " + ConnectFailure.describe(hub, e));
      return null;
    }
  }

  private String payload() throws java.io.IOException {
    if (data.equals("@-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return data.startsWith("@") ? Files.readString(Path.of(data.substring(1))) : data;
  }

  private static void add(StringJoiner form, String name, String value) {
    form.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
