package dev.herald.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The head of a request whose body is streamed, passed down the pipeline as a request with an empty
 * body so that the dispatcher checks and hands it on like any other; the body follows through
 * {@link StreamedBody}.
 */
final class StreamedRequest extends DefaultFullHttpRequest {
  final StreamedBody body;

  StreamedRequest(HttpRequest head, StreamedBody body) {
    super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER, head.headers(),
        io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    setDecoderResult(head.decoderResult());
    this.body = body;
  }
}
