package dev.herald.cli;

import java.util.Collection;
import java.util.Locale;

/**
 * The valid name nearest to a misspelled one, for "did you mean" hints: the fewest single-character
 * insertions, deletions, substitutions and swaps of neighbours (optimal string alignment distance),
 * compared case-insensitively with {@code _} and {@code -} treated alike, since {@code jwt_secret}
 * for {@code jwt-secret} is the typo a config file invites.
 */
final class ClosestName {
  private ClosestName() {
  }

  /** The candidate closest to {@code name} (the first of equals), or {@code null} without candidates. */
  static String of(String name, Collection<String> candidates) {
    String wanted = normalize(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(wanted, normalize(candidate));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Optimal string alignment distance; names are short, so the full table is fine. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
