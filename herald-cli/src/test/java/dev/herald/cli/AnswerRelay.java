package dev.herald.cli;

import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;

/**
 * Relays one LLM answer to the hub as it is written: each event of the LLM's {@code text/event-stream}
 * response (each token, and the final {@code [DONE]}) becomes one update on the answer's topic, all
 * through one streaming publish: a POST whose body is a {@code text/event-stream} too. Returns the
 * ids the hub gave the updates, in order.
 */
final class AnswerRelay {
  private AnswerRelay() {}

  static List<String> relay(HttpClient http, HttpRequest llmRequest, URI hub, String topic, String jwt)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> llm = http.send(llmRequest, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream answer = llm.body(); SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>()) {
      if (llm.statusCode() != 200) {
        throw new IOException("the LLM answered " + llm.statusCode());
      }
      // The publish starts now and its body is sent as the events come. No HttpRequest.timeout():
      // it would cover the whole body, however long the answer takes.
      CompletableFuture<Void> sending = new CompletableFuture<>();
      HttpRequest publish = HttpRequest.newBuilder(
              URI.create(hub + "?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8)))
          .header("Authorization", "Bearer " + jwt)
          .header("Content-Type", "text/event-stream")
          .POST(HttpRequest.BodyPublishers.fromPublisher(subscriber -> {
            body.subscribe(subscriber);
            sending.complete(null); // a SubmissionPublisher drops what it is given before this
          }))
          .build();
      CompletableFuture<HttpResponse<String>> published =
          http.sendAsync(publish, HttpResponse.BodyHandlers.ofString());
      CompletableFuture.anyOf(sending, published).join();

      // Each event goes on but for its id: the hub gives every update an id of its own, unique in
      // its log, which viewers resume from. submit() waits while the hub is behind: a slow hub
      // slows the reading of the answer, nothing piles up here.
      EventStreamParser parser = new EventStreamParser(event ->
          body.submit(ByteBuffer.wrap(SseEncoder.encode(SseEvent.of(event.type(), event.data())))));
      byte[] buffer = new byte[8192];
      // A hub that answered already refused the publish (a 401, a 403): no use reading on.
      for (int n = answer.read(buffer); n != -1 && !published.isDone(); n = answer.read(buffer)) {
        parser.feed(buffer, 0, n);
      }
      body.close(); // the end of the body: the hub answers with the ids, one a line
      HttpResponse<String> ids = published.join();
      if (ids.statusCode() != 200) {
        throw new IOException("the hub answered " + ids.statusCode() + ": " + ids.body());
      }
      return ids.body().lines().toList();
    }
  }
}
