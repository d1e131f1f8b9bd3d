package dev.herald.cli;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response from a connection: the status line, the headers, and a body framed by
 * {@code Content-Length}, chunked, or ended by the close. Interim (1xx) responses are skipped. Only
 * what {@link StreamUpload} needs: a hub's short text answer.
 *
 * <p>Limits: a head line of at most {@value #MAX_LINE} bytes, a body of at most {@value #MAX_BODY}
 * bytes (a streaming publish's answer holds some 40 bytes per event, and a hub takes at most a million
 * by default).
 */
final class ResponseReader {
  static final int MAX_LINE = 16 * 1024;
  static final int MAX_BODY = 64 << 20;

  private final InputStream in;

  private ResponseReader(InputStream in) {
    this.in = in;
  }

  /** The first final response on {@code in}. */
  static HubAnswer read(InputStream in) throws IOException {
    return new ResponseReader(in).response();
  }

  private HubAnswer response() throws IOException {
    while (true) {
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 response: " + abbreviate(statusLine));
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status: " + abbreviate(statusLine));
      }
      long length = -1;
      boolean chunked = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = colon < 0 ? header : header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = colon < 0 ? "" : header.substring(colon + 1).strip();
        if (name.equals("content-length")) {
          length = parseLength(value);
        } else if (name.equals("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
        }
      }
      if (status >= 100 && status < 200) {
        continue; // 100 Continue and friends: the answer comes after
      }
      byte[] body = chunked ? chunkedBody() : length >= 0 ? exactly(length) : untilClose();
      return new HubAnswer(status, new String(body, StandardCharsets.UTF_8));
    }
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semicolon = size.indexOf(';');
      long length;
      try {
        length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + abbreviate(size));
      }
      if (length == 0) {
        while (!line().isEmpty()) {
          // trailers: none we need
        }
        return body.toByteArray();
      }
      if (body.size() + length > MAX_BODY) {
        throw new IOException("response body over " + MAX_BODY + " bytes");
      }
      body.write(exactly(length));
      line(); // the CRLF after the chunk
    }
  }

  private byte[] exactly(long length) throws IOException {
    if (length > MAX_BODY) {
      throw new IOException("response body over " + MAX_BODY + " bytes");
    }
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length < length) {
      throw new EOFException("the connection closed in the middle of the response");
    }
    return bytes;
  }

  private byte[] untilClose() throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new IOException("response body over " + MAX_BODY + " bytes");
    }
    return bytes;
  }

  /** A line ended by LF (a CR before it dropped), as ISO-8859-1 as HTTP heads are. */
  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("the connection closed before the response ended");
      }
      if (line.size() == MAX_LINE) {
        throw new IOException("response line over " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static long parseLength(String value) throws IOException {
    try {
      long length = Long.parseLong(value);
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IOException("bad Content-Length: " + abbreviate(value));
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
