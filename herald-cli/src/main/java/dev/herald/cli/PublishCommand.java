package dev.herald.cli;

import dev.herald.hub.Hub;
import dev.herald.hub.auth.Tokens;
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

/** {@code herald publish}: one update to a Mercure hub; prints its id. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Publishes one update to a Mercure hub (Herald or any other) and prints the event id. "
        + "Authenticate with --token, or with --jwt-secret to sign a short-lived token for the topics. "
        + "Options can also come from HERALD_<OPTION> variables (e.g. HERALD_JWT_SECRET).",
    footer = {"", "Exit codes: 0 published; 1 the hub refused or could not be reached; 2 bad usage."})
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

  @Option(names = "--token", paramLabel = "JWT", description = "Publisher token.")
  private String token;

  @Option(names = "--jwt-secret", paramLabel = "SECRET",
      description = "Sign a 1-minute token for these topics with this secret.")
  private String jwtSecret;

  @Override
  public Integer call() throws Exception {
    if (token == null && jwtSecret == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --token or --jwt-secret");
    }
    String bearer = token != null ? token
        : Tokens.hmac(jwtSecret, topics, List.of(), Duration.ofMinutes(1), Instant.now());
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
