package dev.herald.source.nats;

import dev.herald.source.SourceMapping;
import dev.herald.source.SourceUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a {@code nats://} source URI says, checked: the server, the credentials, the stream (and the
 * subjects to create it with), the durable consumer and the mapping of messages to updates.
 *
 * @param host the NATS server's host
 * @param port its port ({@link #DEFAULT_PORT} by default)
 * @param user the user of the URI's user info, or {@code null}
 * @param password its password, or {@code null}
 * @param token the {@code token} parameter (an authentication token), or {@code null}
 * @param stream the JetStream stream consumed
 * @param subjects the subjects to create the stream with when it is missing (and to check an
 *     existing stream against); empty: bind to the stream as it is
 * @param durable the durable pull consumer's name ({@link #DEFAULT_DURABLE} by default)
 * @param ackWait how long the server waits for an ack before delivering a message again
 * @param deliverNew whether a durable created now starts after the stream's last message (rather
 *     than at its first)
 * @param mapping the message-to-update mapping
 * @param name the URI without credentials
 */
record NatsSettings(String host, int port, String user, String password, String token, String stream,
    List<String> subjects, String durable, Duration ackWait, boolean deliverNew, SourceMapping mapping, String name) {
  /** The port NATS listens on by default. */
  static final int DEFAULT_PORT = 4222;
  /** The durable consumer's name when the URI names none. */
  static final String DEFAULT_DURABLE = "herald";
  /** How long the server waits for an ack by default before delivering a message again. */
  static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
  /** The variables a topic template may use. */
  static final Set<String> VARIABLES = Set.of("subject", "stream");

  /**
   * Reads {@code uri}'s parameters ({@code stream}, {@code subjects}, {@code durable}, {@code ack_wait},
   * {@code deliver}, {@code token} and the mapping's) and fails on any other.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static NatsSettings parse(SourceUri uri) {
    if (uri.host() == null || uri.host().isEmpty()) {
      throw new IllegalArgumentException("a nats source URI names its server: nats://host[:port]?stream=..., not "
          + uri.redacted());
    }
    if (!uri.path().isEmpty()) {
      throw new IllegalArgumentException("a nats source URI has no path ('/" + uri.path() + "' in " + uri.redacted()
          + "): nats://host[:port]?stream=NAME&subjects=...");
    }
    String stream = name(uri, "stream", uri.required("stream"), "stream");
    List<String> subjects = new ArrayList<>();
    for (String value : uri.values("subjects")) {
      for (String subject : value.split(",", -1)) {
        subjects.add(subject(uri, subject.strip()));
      }
    }
    String durable = name(uri, "durable", uri.optional("durable", DEFAULT_DURABLE), "consumer");
    Duration ackWait = uri.duration("ack_wait", DEFAULT_ACK_WAIT);
    if (ackWait.compareTo(Duration.ofSeconds(1)) < 0 || ackWait.compareTo(Duration.ofHours(12)) > 0) {
      throw new IllegalArgumentException("parameter 'ack_wait' must be from 1s to 12h, not " + ackWait.toMillis()
          + " ms");
    }
    String deliver = uri.optional("deliver", "all");
    if (!deliver.equals("all") && !deliver.equals("new")) {
      throw new IllegalArgumentException("parameter 'deliver' must be all (a new durable starts at the stream's first"
          + " message) or new (after its last), not '" + deliver + "'");
    }
    String token = uri.optional("token");
    if (token != null && (token.isEmpty() || uri.user() != null)) {
      throw new IllegalArgumentException(token.isEmpty() ? "parameter 'token' is empty in " + uri.redacted()
          : "give user:password@ or a token in " + uri.redacted() + ", not both");
    }
    if (uri.user() != null && uri.password() == null) {
      throw new IllegalArgumentException("a NATS user needs a password (nats://user:password@host) in "
          + uri.redacted());
    }
    SourceMapping mapping = SourceMapping.from(uri, VARIABLES);
    uri.requireAllUsed();
    return new NatsSettings(uri.host(), uri.port(DEFAULT_PORT), uri.user(), uri.password(), token, stream,
        List.copyOf(subjects), durable, ackWait, deliver.equals("new"), mapping, uri.redacted());
  }

  /** The URI without credentials (a record's own toString would show the password). */
  @Override
  public String toString() {
    return name;
  }

  /** The server's URL for the client, without credentials (they go in the options). */
  String serverUrl() {
    String shown = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return "nats://" + shown + ":" + port;
  }

  /** A stream or consumer name as NATS takes it: printable, without spaces, '.', '*', '>', '/' or '\'. */
  private static String name(SourceUri uri, String parameter, String value, String what) {
    boolean valid = !value.isEmpty() && value.length() <= 255;
    for (int i = 0; valid && i < value.length(); i++) {
      char c = value.charAt(i);
      valid = c > ' ' && c != 0x7f && ".*>/\\".indexOf(c) < 0;
    }
    if (!valid) {
      throw new IllegalArgumentException("parameter '" + parameter + "' must be a JetStream " + what + " name (up to"
          + " 255 characters, none of space . * > / \\), not '" + value + "' in " + uri.redacted());
    }
    return value;
  }

  /** A subject: dot-separated tokens, {@code *} a whole token, {@code >} only the last. */
  private static String subject(SourceUri uri, String subject) {
    String[] tokens = subject.split("\\.", -1);
    boolean valid = !subject.isEmpty();
    for (int i = 0; valid && i < tokens.length; i++) {
      String token = tokens[i];
      valid = !token.isEmpty() && token.chars().allMatch(c -> c > ' ' && c != 0x7f)
          && (token.equals("*") || token.equals(">") || (token.indexOf('*') < 0 && token.indexOf('>') < 0))
          && (!token.equals(">") || i == tokens.length - 1);
    }
    if (!valid) {
      throw new IllegalArgumentException("parameter 'subjects' takes NATS subjects separated by commas, such as"
          + " subjects=orders.>,refunds.* (tokens separated by '.', '*' a whole token, '>' only the last), not '"
          + subject + "' in " + uri.redacted());
    }
    return subject;
  }
}
