package dev.herald.client;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the first {@value #LIMIT} bytes of an error response's body as text for the exception
 * message, and stops reading there: an error page must not cost unbounded memory or time.
 */
final class CapturedBody implements HttpResponse.BodySubscriber<String> {
  static final int LIMIT = 4096;

  private final CompletableFuture<String> result = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer item : items) {
      int take = Math.min(item.remaining(), LIMIT - bytes.size());
      byte[] chunk = new byte[take];
      item.get(chunk);
      bytes.writeBytes(chunk);
    }
    if (bytes.size() >= LIMIT) {
      subscription.cancel();
      complete();
    }
  }

  @Override
  public void onError(Throwable throwable) {
    complete(); // the status is what matters; a body cut short is still worth showing
  }

  @Override
  public void onComplete() {
    complete();
  }

  private void complete() {
    result.complete(bytes.toString(StandardCharsets.UTF_8));
  }
}
