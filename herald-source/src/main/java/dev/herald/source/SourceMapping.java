package dev.herald.source;

import dev.herald.log.Update;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How a broker's message becomes an update, from the source URI's parameters:
 * <ul>
 *   <li>{@code topic} (required, repeatable: the first is canonical, the others alternates): a
 *       {@link TopicTemplate} over the source's variables;</li>
 *   <li>{@code type}: a fixed event type, or {@code type_header}: the message header that holds it;</li>
 *   <li>{@code private}: {@code true} for private updates, or {@code private_header}: the header that
 *       says so ({@code true}/{@code on}/{@code 1});</li>
 *   <li>{@code encoding}: {@code text} (default: the payload must be valid UTF-8, else the message is
 *       refused) or {@code base64} (the payload's bytes, base64-encoded).</li>
 * </ul>
 */
public final class SourceMapping {
  private final List<TopicTemplate> topics;
  private final String type;
  private final String typeHeader;
  private final boolean isPrivate;
  private final String privateHeader;
  private final boolean base64;

  private SourceMapping(List<TopicTemplate> topics, String type, String typeHeader, boolean isPrivate,
      String privateHeader, boolean base64) {
    this.topics = List.copyOf(topics);
    this.type = type;
    this.typeHeader = typeHeader;
    this.isPrivate = isPrivate;
    this.privateHeader = privateHeader;
    this.base64 = base64;
  }

  /**
   * Reads the mapping parameters of {@code uri}; {@code variables} are the names its topic templates
   * may use.
   *
   * @throws IllegalArgumentException naming the parameter that is wrong
   */
  public static SourceMapping from(SourceUri uri, Set<String> variables) {
    List<String> templates = uri.values("topic");
    if (templates.isEmpty() || templates.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("parameter 'topic' (the topic template of the updates, e.g. topic="
          + "https://example.com/{" + variables.stream().sorted().findFirst().orElse("name") + "}) is required in "
          + uri.redacted());
    }
    List<TopicTemplate> topics = new ArrayList<>();
    for (String template : templates) {
      topics.add(TopicTemplate.parse(template, variables));
    }
    String type = uri.optional("type");
    String typeHeader = uri.optional("type_header");
    if (type != null && typeHeader != null) {
      throw new IllegalArgumentException("give 'type' or 'type_header', not both, in " + uri.redacted());
    }
    String privateHeader = uri.optional("private_header");
    boolean isPrivate = uri.bool("private", false);
    String encoding = uri.optional("encoding", "text");
    if (!encoding.equals("text") && !encoding.equals("base64")) {
      throw new IllegalArgumentException("parameter 'encoding' must be text or base64, not '" + encoding + "'");
    }
    return new SourceMapping(topics, type == null || type.isEmpty() ? null : type, typeHeader, isPrivate,
        privateHeader, encoding.equals("base64"));
  }

  /**
   * The update for one message.
   *
   * @param id the message's deterministic update id
   * @param variables the values of the topic templates' variables
   * @param payload the message's body
   * @param header a message header by name, or {@code null} when absent
   * @throws RefusedMessage when the payload is not valid UTF-8 (under {@code encoding=text}) or a topic
   *     comes out empty
   */
  public Update map(String id, Map<String, String> variables, byte[] payload, Function<String, String> header)
      throws RefusedMessage {
    List<String> expanded = new ArrayList<>(topics.size());
    for (TopicTemplate template : topics) {
      String topic = template.expand(variables);
      if (topic.isEmpty()) {
        throw new RefusedMessage(id, "its topic '" + template + "' expands to nothing");
      }
      expanded.add(topic);
    }
    String data = base64 ? Base64.getEncoder().encodeToString(payload) : utf8(id, payload);
    String eventType = typeHeader != null ? header.apply(typeHeader) : type;
    boolean priv = isPrivate;
    if (privateHeader != null) {
      String value = header.apply(privateHeader);
      Boolean parsed = value == null ? null : SourceUri.parseBoolean(value);
      priv = parsed != null ? parsed : isPrivate;
    }
    return new Update(id, expanded, data, priv, eventType, null);
  }

  /** {@code payload} as UTF-8 text, refusing malformed input rather than replacing it. */
  static String utf8(String id, byte[] payload) throws RefusedMessage {
    // The JDK's decoding into a String is the fast one, but it replaces what is malformed with U+FFFD:
    // without any U+FFFD in the result the payload was valid. Only a payload with one (malformed, or
    // an encoded U+FFFD of its own) pays for a strict decoder, made per call (this runs per message).
    String text = new String(payload, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RefusedMessage(id, "its payload (" + payload.length + " bytes) is not valid UTF-8; add encoding=base64"
          + " to the source URI to publish such payloads base64-encoded");
    }
  }
}
