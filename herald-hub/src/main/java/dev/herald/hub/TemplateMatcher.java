package dev.herald.hub;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a {@link TemplateNfa} over topics as a lazily built deterministic automaton: each set of runs
 * met is interned once, and its transition for a character class is computed once, then read from a
 * table. A topic then costs one table read per character, whatever the template; the literal texts
 * of the template (before, between and after its expressions) are looked for first, which refuses
 * most topics at once. At most {@link #MAX_CACHED_STATES} sets are cached per template; beyond, the sets are
 * stepped without caching (still linear in the topic, at the cost of the sets' size per character).
 *
 * <p>Every match runs on a work budget (table reads plus nodes and edges visited): a match that
 * would spend more stops and reports {@link Result#OVER_BUDGET}. Thread-safe: the cache is shared by
 * every thread; a transition computed twice by two threads is the same value.
 */
final class TemplateMatcher {
  static final int MAX_CACHED_STATES = 512;

  /** How a match ended. */
  enum Result { MATCH, NO_MATCH, OVER_BUDGET }

  /** A match's result and the work it spent. */
  record Outcome(Result result, long work) {}

  private final TemplateNfa nfa;
  private final ConcurrentHashMap<TemplateNfa.States, State> cache = new ConcurrentHashMap<>();
  private final State initial;

  TemplateMatcher(TemplateNfa nfa) {
    this.nfa = nfa;
    this.initial = intern(nfa.initial(new TemplateNfa.Scratch(nfa)));
  }

  /** Matches all of {@code topic}, spending at most {@code budget}. */
  Outcome match(String topic, long budget) {
    String prefix = nfa.literalPrefix();
    String suffix = nfa.literalSuffix();
    int length = topic.length();
    long work = prefix.length() + suffix.length();
    if (length < prefix.length() + suffix.length() || !topic.startsWith(prefix) || !topic.endsWith(suffix)
        || !holdsInnerLiterals(topic, prefix.length(), length - suffix.length())) {
      return new Outcome(Result.NO_MATCH, work);
    }
    State state = initial;
    TemplateNfa.States uncached = null;
    TemplateNfa.Scratch scratch = null;
    for (int i = 0; i < length; i++) {
      int cls = nfa.classOf(topic.charAt(i));
      work++;
      if (state != null) {
        State next = state.next[cls];
        if (next == null) {
          scratch = scratch != null ? scratch : new TemplateNfa.Scratch(nfa);
          TemplateNfa.States stepped = nfa.step(state.runs, cls, scratch);
          next = intern(stepped);
          if (next == null) {
            uncached = stepped; // the cache is full: go on without it
          } else {
            state.next[cls] = next;
          }
        }
        state = next;
        if (state != null && state.runs.isEmpty()) {
          return new Outcome(Result.NO_MATCH, work + spent(scratch));
        }
      } else {
        uncached = nfa.step(uncached, cls, scratch);
        if (uncached.isEmpty()) {
          return new Outcome(Result.NO_MATCH, work + spent(scratch));
        }
      }
      if (work + spent(scratch) > budget) {
        return new Outcome(Result.OVER_BUDGET, work + spent(scratch));
      }
    }
    boolean accepted = state != null ? state.runs.accepting : uncached.accepting;
    return new Outcome(accepted ? Result.MATCH : Result.NO_MATCH, work + spent(scratch));
  }

  /**
   * Whether the literal texts between expressions occur in {@code topic} in order between
   * {@code from} and {@code to}: a necessary condition found with {@link String#indexOf} (leftmost
   * occurrences are the best placement), far cheaper than the automaton, and what refuses most
   * topics a selector made to be costly does not select.
   */
  private boolean holdsInnerLiterals(String topic, int from, int to) {
    for (String literal : nfa.innerLiterals()) {
      int at = topic.indexOf(literal, from);
      if (at < 0 || at + literal.length() > to) {
        return false;
      }
      from = at + literal.length();
    }
    return true;
  }

  /** Sets cached so far (for tests and diagnostics). */
  int cachedStates() {
    return cache.size();
  }

  private static long spent(TemplateNfa.Scratch scratch) {
    return scratch == null ? 0 : scratch.work;
  }

  /** The cached state of {@code runs}, or null when the cache is full. */
  private State intern(TemplateNfa.States runs) {
    State known = cache.get(runs);
    if (known != null) {
      return known;
    }
    if (cache.size() >= MAX_CACHED_STATES) {
      return null;
    }
    return cache.computeIfAbsent(runs, r -> new State(r, nfa.classes()));
  }

  /**
   * One interned set of runs and its transitions. The table is filled racily: every thread writes
   * the same {@link State} for a class (interned), and a {@code State}'s fields are final, so a
   * thread that reads a reference sees it whole.
   */
  private static final class State {
    final TemplateNfa.States runs;
    final State[] next;

    State(TemplateNfa.States runs, int classes) {
      this.runs = runs;
      this.next = new State[classes];
    }
  }
}
