package dev.herald.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables of a {@code dunglas/mercure} container, read as aliases so that Herald
 * can replace one without changing its environment: {@code MERCURE_PUBLISHER_JWT_KEY} and
 * {@code MERCURE_SUBSCRIBER_JWT_KEY} with their {@code MERCURE_*_JWT_ALG} (default {@code HS256}).
 * An HS* algorithm makes the key an HMAC secret ({@code --publisher-jwt-secret}); RS*, PS* or ES*
 * make it the text of a PEM public key ({@code --publisher-jwt-key}, which takes PEM text as well as
 * a file). Another algorithm, or an algorithm without a key, is an error.
 *
 * <p>{@code HERALD_*} wins: a role (publisher or subscriber) for which any {@code HERALD_*} variable
 * configures verification ({@code HERALD_JWT_SECRET}, {@code HERALD_PUBLISHER_JWT_KEY}...) ignores
 * its {@code MERCURE_*} variables. Other {@code MERCURE_*} variables (e.g. Symfony's
 * {@code MERCURE_URL}) are not Herald's and are not read.
 */
final class MercureVariables {
  private static final List<String> ROLES = List.of("PUBLISHER", "SUBSCRIBER");
  private static final List<String> HERALD_CREDENTIALS = List.of("JWT_SECRET", "JWT_KEY", "JWT_JWKS_URL");

  private MercureVariables() {
  }

  /**
   * The options the {@code MERCURE_*} variables of {@code environment} set, by long name without
   * dashes (e.g. {@code publisher-jwt-secret}), for the roles no {@code HERALD_*} variable configures.
   *
   * @throws IllegalArgumentException for an unknown algorithm or an algorithm without its key
   */
  static Map<String, String> options(Map<String, String> environment) {
    Map<String, String> options = new HashMap<>();
    for (String role : ROLES) {
      String keyName = "MERCURE_" + role + "_JWT_KEY";
      String algName = "MERCURE_" + role + "_JWT_ALG";
      String key = environment.get(keyName);
      String alg = environment.get(algName);
      if (key == null && alg == null) {
        continue;
      }
      String algorithm = alg == null || alg.isBlank() ? "HS256" : alg.strip().toUpperCase(Locale.ROOT);
      String kind = switch (algorithm) {
        case "HS256", "HS384", "HS512" -> "secret";
        case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" -> "key";
        default -> throw new IllegalArgumentException("unknown " + algName + " '" + alg
            + "': use HS256, HS384 or HS512 (the key is a secret), or RS256/384/512, PS256/384/512,"
            + " ES256/384/512 (the key is a PEM public key)");
      };
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(algName + " is set but " + keyName + " is not");
      }
      if (!configuredByHerald(environment, role)) {
        options.put(role.toLowerCase(Locale.ROOT) + "-jwt-" + kind, key);
      }
    }
    return options;
  }

  private static boolean configuredByHerald(Map<String, String> environment, String role) {
    for (String credential : HERALD_CREDENTIALS) {
      if (environment.containsKey("HERALD_" + credential)
          || environment.containsKey("HERALD_" + role + "_" + credential)) {
        return true;
      }
    }
    return false;
  }
}
