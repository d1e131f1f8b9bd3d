package dev.herald.hub;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text in HTTP header values, which travel as bytes: browsers send {@code Last-Event-ID} as UTF-8,
 * while Netty reads every header byte as one char (Latin-1, over HTTP/1.1 and HPACK alike) and writes
 * every char as one byte (a char above 0xFF becomes {@code '?'}). {@link #read} and {@link #write}
 * convert between those byte-per-char strings and the text they carry.
 */
final class HeaderText {
  private HeaderText() {}

  /**
   * The text a received header value carries: its bytes decoded as UTF-8. Bytes that are not valid
   * UTF-8 are read as Latin-1, i.e. the value is returned unchanged: that never fails, loses no byte,
   * and still matches what an old client that sends Latin-1 means. A value with a char above 0xFF
   * did not come from bytes (it is already text) and is returned unchanged; so is {@code null}.
   */
  static String read(String value) {
    if (value == null || isAscii(value)) {
      return value;
    }
    byte[] bytes = new byte[value.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = value.charAt(i);
      if (c > 0xFF) {
        return value;
      }
      bytes[i] = (byte) c;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException notUtf8) {
      return value;
    }
  }

  /**
   * {@code text} as a header value to send: its UTF-8 bytes, one char each, so that the client gets
   * the bytes it would send back. A header cannot carry control characters (other than a tab inside),
   * DEL, or spaces and tabs at either end: those are sent as {@code '?'}, like Netty sends a char it
   * cannot encode, instead of letting the response fail its header validation.
   */
  static String write(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8); // a lone surrogate, not UTF-8, becomes '?'
    int length = bytes.length;
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      int b = bytes[i] & 0xFF;
      boolean edge = i == 0 || i == length - 1;
      boolean forbidden = b == 0x7F || (b < 0x20 && b != '\t') || (edge && (b == ' ' || b == '\t'));
      chars[i] = forbidden ? '?' : (char) b;
    }
    return new String(chars);
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
