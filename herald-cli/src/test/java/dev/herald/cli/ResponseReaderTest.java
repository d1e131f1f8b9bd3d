package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ResponseReader}: the hub's answer to a streaming publish, however it is framed. */
class ResponseReaderTest {
  private static HubAnswer read(String response) throws IOException {
    return ResponseReader.read(new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aContentLengthBodyIsReadExactly() throws IOException {
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\na\nb\nextra"))
        .isEqualTo(new HubAnswer(200, "a\nb\n"));
  }

  @Test
  void aChunkedBodyIsJoined() throws IOException {
    assertThat(read("HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nid_\r\n5\r\nconfl\r\n0\r\n\r\n"))
        .isEqualTo(new HubAnswer(409, "id_confl"));
  }

  @Test
  void aBodyWithoutLengthEndsWithTheConnection() throws IOException {
    assertThat(read("HTTP/1.1 200 OK\r\n\r\nid-1\n")).isEqualTo(new HubAnswer(200, "id-1\n"));
  }

  @Test
  void interimResponsesAreSkipped() throws IOException {
    assertThat(read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno"))
        .isEqualTo(new HubAnswer(401, "no"));
  }

  @Test
  void aConnectionClosedInTheBodyIsAnError() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void somethingElseThanHttpIsAnError() {
    assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n")).hasMessageContaining("not an HTTP/1.1 response");
  }

  @Test
  void aRefusalsIdsFollowItsFirstLine() {
    HubAnswer refused = new HubAnswer(413, "event_too_large: event 3 of the stream\nid-1\nid-2\n");

    assertThat(refused.reason()).isEqualTo("event_too_large: event 3 of the stream");
    assertThat(refused.ids()).containsExactly("id-1", "id-2");
    assertThat(new HubAnswer(200, "id-1\nid-2\n").ids()).containsExactly("id-1", "id-2");
  }
}
