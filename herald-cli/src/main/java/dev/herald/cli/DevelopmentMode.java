package dev.herald.cli;

import dev.herald.hub.auth.Tokens;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * What {@code herald serve} says when nothing configures authentication: it generates a secret for
 * the run and says so loudly, with the secret, a {@code herald token} command line that mints more
 * tokens for it and a ready publisher token, so the README's quick start works as printed. A warning
 * line comes first in every log format; the banner (which holds the secret) only in text, since JSON
 * logs go to collectors where a secret does not belong.
 */
final class DevelopmentMode {
  private DevelopmentMode() {
  }

  /** A random HS256 secret: 32 bytes, base64url, so it needs no quoting in a shell. */
  static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The warning line and, in text format, the banner. */
  static void announce(PrintWriter err, String url, String secret, boolean anonymous, boolean ui, boolean text) {
    Log.write(err, Log.Level.WARN, null, "development mode: no JWT secret, key or JWKS is configured, so this"
        + " run uses a generated secret" + (anonymous ? " and allows anonymous subscribers" : "")
        + "; configure --jwt-secret (or HERALD_JWT_SECRET) before anyone else uses this hub"
        + (text ? "" : "; the generated secret is printed only with --log-format text"), null);
    if (text) {
      banner(err, url, secret, anonymous, ui);
    }
  }

  private static void banner(PrintWriter err, String url, String secret, boolean anonymous, boolean ui) {
    String token = Tokens.hmac(secret, List.of("*"), List.of("*"), null, Instant.now());
    String rule = "=".repeat(78);
    err.println();
    err.println(rule);
    err.println("DEVELOPMENT MODE: nothing configures authentication, so this run generated a JWT secret");
    err.println("(valid until the hub stops)" + (anonymous ? " and lets anyone subscribe to public updates" : "")
        + ". Not for production.");
    err.println("Generated secret:");
    err.println("  " + secret);
    err.println("Mint tokens for it (in another terminal):");
    // --jwt-secret=...: a base64url secret may start with '-', which must not read as an option.
    err.println("  ./herald token --jwt-secret=" + secret + " --publish '*' --subscribe '*'");
    err.println("A publisher token (publish and subscribe to every topic, valid while the hub runs):");
    err.println("  " + token);
    if (ui) {
      err.println("Dashboard (live figures, a subscribe and publish debugger): "
          + url.substring(0, url.indexOf("/.well-known/")) + "/");
    }
    err.println("Try it, in two terminals:");
    err.println("  ./herald subscribe '" + url + "?topic=demo'");
    err.println("  curl -d topic=demo -d data=hello -H 'Authorization: Bearer " + token + "' " + url);
    err.println("Configure --jwt-secret (or HERALD_JWT_SECRET) for tokens that outlive this run.");
    err.println(rule);
    err.println();
    err.flush();
  }
}
