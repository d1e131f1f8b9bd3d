package dev.herald.hub;

import dev.herald.server.HttpExchange;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Continues a request once its token is verified, without ever blocking the event loop: at once when
 * the verification is already complete (a configured key, or a cached JWKS key — nearly always);
 * otherwise the answer is deferred and the request continues on its connection's event loop when the
 * keys have been fetched. A refusal is answered 401 with the verifier's reason.
 */
final class Verified {
  private static final System.Logger LOG = System.getLogger(Verified.class.getName());

  private Verified() {}

  /** Runs {@code next} with the claims on the exchange's event loop, or answers the refusal 401. */
  static void then(HttpExchange exchange, CompletableFuture<Claims> verification, Consumer<Claims> next) {
    then(exchange, verification, next, refusal -> Responses.unauthorized(exchange, refusal));
  }

  /** Runs {@code next} with the claims on the exchange's event loop, or {@code refused} with the reason. */
  static void then(HttpExchange exchange, CompletableFuture<Claims> verification, Consumer<Claims> next,
      Consumer<AuthException> refused) {
    if (verification.isDone()) {
      finish(verification, next, refused);
      return;
    }
    // Read everything the continuation needs before returning: the request body is released then.
    exchange.deferAnswer();
    verification.whenComplete((claims, error) -> exchange.execute(() -> {
      if (!exchange.isOpen()) {
        return;
      }
      try {
        finish(verification, next, refused);
      } catch (RuntimeException e) { // the dispatcher no longer guards us here: say so, do not leak
        LOG.log(System.Logger.Level.ERROR, "request failed after verification: " + exchange, e);
        try {
          exchange.respond(500, "text/plain; charset=utf-8", "internal_error: see the server log\n");
        } catch (IllegalStateException alreadyAnswered) {
          // the response was under way; the client sees it cut short
        }
      }
    }));
  }

  private static void finish(CompletableFuture<Claims> verification, Consumer<Claims> next,
      Consumer<AuthException> refused) {
    Claims claims;
    try {
      claims = verification.join();
    } catch (CompletionException e) {
      AuthException refusal = e.getCause() instanceof AuthException auth ? auth
          : new AuthException("invalid_token", "the token cannot be verified now; retry shortly");
      refused.accept(refusal);
      return;
    }
    next.accept(claims);
  }
}
