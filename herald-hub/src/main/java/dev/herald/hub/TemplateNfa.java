package dev.herald.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A nondeterministic automaton for one URI template, with one counter for prefix modifiers. A state
 * of a run is a set of nodes, each with the count of characters used by the prefix it is in (0
 * outside prefixes); of two runs at one node the lower count accepts everything the higher one
 * does, so a set keeps only the lowest. {@link #step} advances a set by one character class without
 * recursion or backtracking: a run costs at most (nodes + edges) per character of the topic.
 * Characters are mapped to classes (characters no edge tells apart share one), so that
 * {@link TemplateMatcher} can cache transitions in small tables. Immutable.
 */
final class TemplateNfa {
  private static final int[] NONE = new int[0];
  private final int start;
  private final int accept;
  private final boolean[] counted;
  private final int[][] epsilon;
  /** Per node and class: the targets of the edges that accept the class. */
  private final int[][][] moves;
  /** Per node and class: the counter limit of each of those edges (0: the edge does not count). */
  private final int[][][] limits;
  private final int[] asciiClass;
  private final char[] otherChars;
  private final int[] otherClasses;
  private final int classes;
  private final int variables;
  private final String prefix;
  private final String suffix;
  private final String[] innerLiterals;

  private TemplateNfa(Builder b, int accept, int variables, String prefix, String suffix, List<String> inner) {
    int n = b.nodes.size();
    this.start = 0;
    this.accept = accept;
    this.variables = variables;
    this.prefix = prefix;
    this.suffix = suffix;
    this.innerLiterals = inner.toArray(new String[0]);
    this.counted = new boolean[n];
    this.epsilon = new int[n][];
    List<CharSet> sets = distinctSets(b);
    this.asciiClass = asciiClasses(sets);
    int next = 0;
    for (int c : asciiClass) {
      next = Math.max(next, c + 1);
    }
    java.util.TreeMap<Character, Integer> others = new java.util.TreeMap<>();
    for (CharSet set : sets) {
      if (set.nonAscii() >= 0 && !others.containsKey((char) set.nonAscii())) {
        others.put((char) set.nonAscii(), next++);
      }
    }
    otherChars = new char[others.size()];
    otherClasses = new int[others.size()];
    int k = 0;
    for (Map.Entry<Character, Integer> other : others.entrySet()) {
      otherChars[k] = other.getKey();
      otherClasses[k++] = other.getValue();
    }
    this.classes = next + 1; // the last class: characters above ASCII that no edge accepts
    this.moves = new int[n][][];
    this.limits = new int[n][][];
    int[] representative = representatives(others);
    for (int v = 0; v < n; v++) {
      Node node = b.nodes.get(v);
      counted[v] = node.counted;
      epsilon[v] = toArray(node.epsilon);
      moves[v] = new int[classes][];
      limits[v] = new int[classes][];
      for (int c = 0; c < classes; c++) {
        int accepting = 0;
        for (Edge edge : node.edges) {
          if (representative[c] >= 0 && edge.on.contains((char) representative[c])) {
            accepting++;
          }
        }
        moves[v][c] = accepting == 0 ? NONE : new int[accepting];
        limits[v][c] = accepting == 0 ? NONE : new int[accepting];
        int e = 0;
        for (Edge edge : node.edges) {
          if (representative[c] >= 0 && edge.on.contains((char) representative[c])) {
            moves[v][c][e] = edge.target;
            limits[v][c][e++] = edge.limit;
          }
        }
      }
    }
  }

  private static List<CharSet> distinctSets(Builder b) {
    List<CharSet> sets = new ArrayList<>();
    java.util.Set<CharSet> seen = new java.util.HashSet<>();
    for (Node node : b.nodes) {
      for (Edge edge : node.edges) {
        if (seen.add(edge.on)) {
          sets.add(edge.on);
        }
      }
    }
    return sets;
  }

  /** Classes of ASCII characters: refined set by set, so two characters share a class when no set tells them apart. */
  private static int[] asciiClasses(List<CharSet> sets) {
    int[] classOf = new int[128];
    int count = 1;
    for (CharSet set : sets) {
      int[] split = new int[count * 2];
      Arrays.fill(split, -1);
      int next = 0;
      for (char c = 0; c < 128; c++) {
        int key = classOf[c] * 2 + (set.contains(c) ? 1 : 0);
        if (split[key] < 0) {
          split[key] = next++;
        }
        classOf[c] = split[key];
      }
      count = next;
    }
    return classOf;
  }

  private static int[] toArray(List<Integer> list) {
    int[] array = new int[list.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = list.get(i);
    }
    return array;
  }

  /** One character of each class, or -1 for the class of unaccepted non-ASCII characters. */
  private int[] representatives(Map<Character, Integer> others) {
    int[] representative = new int[classes];
    Arrays.fill(representative, -1);
    for (char c = 0; c < 128; c++) {
      representative[asciiClass[c]] = c;
    }
    others.forEach((c, cls) -> representative[cls] = c);
    return representative;
  }

  /** How many character classes {@link #classOf} returns, from 0. */
  int classes() {
    return classes;
  }

  /** The class of {@code c}. */
  int classOf(char c) {
    if (c < 128) {
      return asciiClass[c];
    }
    int i = Arrays.binarySearch(otherChars, c);
    return i >= 0 ? otherClasses[i] : classes - 1;
  }

  /** The variables of the template ({@code {a,b}} has two). */
  int variables() {
    return variables;
  }

  /** The literal text before the first expression: every accepted string starts with it. */
  String literalPrefix() {
    return prefix;
  }

  /** The literal text after the last expression: every accepted string ends with it. */
  String literalSuffix() {
    return suffix;
  }

  /**
   * The literal texts between expressions, in order: every accepted string holds them, in this
   * order and without overlapping, between {@link #literalPrefix} and {@link #literalSuffix}.
   */
  String[] innerLiterals() {
    return innerLiterals;
  }

  /** Nodes: a measure of the cost of one step. */
  int size() {
    return counted.length;
  }

  /** The set of runs before any character. */
  States initial(Scratch scratch) {
    scratch.begin();
    scratch.add(start, 0);
    return scratch.close(this);
  }

  /** The set of runs after reading one character of class {@code cls} from {@code from}. */
  States step(States from, int cls, Scratch scratch) {
    scratch.begin();
    for (int i = 0; i < from.nodes.length; i++) {
      int v = from.nodes[i];
      int count = from.counts[i];
      int[] targets = moves[v][cls];
      int[] limit = limits[v][cls];
      for (int e = 0; e < targets.length; e++) {
        if (limit[e] == 0) {
          scratch.add(targets[e], count);
        } else if (count < limit[e]) {
          scratch.add(targets[e], count + 1);
        }
      }
      scratch.work += targets.length + 1;
    }
    return scratch.close(this);
  }

  /** A set of runs in canonical form (sorted nodes, lowest counts): equal sets are equal values. */
  static final class States {
    final int[] nodes;
    final int[] counts;
    final boolean accepting;
    private final int hash;

    States(int[] nodes, int[] counts, boolean accepting) {
      this.nodes = nodes;
      this.counts = counts;
      this.accepting = accepting;
      this.hash = 31 * Arrays.hashCode(nodes) + Arrays.hashCode(counts);
    }

    boolean isEmpty() {
      return nodes.length == 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof States other && hash == other.hash && Arrays.equals(nodes, other.nodes)
          && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Work arrays for one thread's steps over one automaton; counts the work done. */
  static final class Scratch {
    private final int[] best;
    private final int[] touched;
    private final IntStack stack = new IntStack();
    private final boolean[] counted;
    private final int[][] epsilon;
    private int touchedCount;
    /** Nodes and edges visited since created: what a match spends of its budget. */
    long work;

    Scratch(TemplateNfa nfa) {
      int n = nfa.size();
      this.best = new int[n];
      this.touched = new int[n];
      this.counted = nfa.counted;
      this.epsilon = nfa.epsilon;
      Arrays.fill(best, Integer.MAX_VALUE);
    }

    private void begin() {
      touchedCount = 0;
    }

    /** Adds a run and follows its epsilon edges; iterative, so no input can exhaust the stack. */
    private void add(int node, int count) {
      push(node, count);
      while (stack.size > 0) {
        int v = stack.pop();
        int c = best[v];
        for (int t : epsilon[v]) {
          push(t, c);
        }
        work += epsilon[v].length;
      }
    }

    /** Records a run at {@code node} unless one with a count as low is there already. */
    private void push(int node, int count) {
      int c = counted[node] ? count : 0;
      if (c >= best[node]) {
        return;
      }
      if (best[node] == Integer.MAX_VALUE) {
        touched[touchedCount++] = node;
      }
      best[node] = c;
      stack.push(node);
    }

    private States close(TemplateNfa nfa) {
      int[] nodes = Arrays.copyOf(touched, touchedCount);
      Arrays.sort(nodes);
      int[] counts = new int[nodes.length];
      boolean accepting = false;
      for (int i = 0; i < nodes.length; i++) {
        counts[i] = best[nodes[i]];
        best[nodes[i]] = Integer.MAX_VALUE;
        accepting |= nodes[i] == nfa.accept;
      }
      work += nodes.length;
      return new States(nodes, counts, accepting);
    }

    /** A growable stack of ints. */
    private static final class IntStack {
      private int[] items = new int[16];
      private int size;

      void push(int v) {
        if (size == items.length) {
          items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = v;
      }

      int pop() {
        return items[--size];
      }
    }
  }

  /** Builds the automaton node by node; node 0 is the start. */
  static final class Builder {
    private final List<Node> nodes = new ArrayList<>(List.of(new Node(false)));

    int start() {
      return 0;
    }

    /** A new node outside any prefix. */
    int node() {
      nodes.add(new Node(false));
      return nodes.size() - 1;
    }

    /** A new node inside a prefix: it keeps the count of characters used. */
    int counted() {
      nodes.add(new Node(true));
      return nodes.size() - 1;
    }

    void epsilon(int from, int to) {
      nodes.get(from).epsilon.add(to);
    }

    void edge(int from, CharSet on, int to) {
      nodes.get(from).edges.add(new Edge(on, to, 0));
    }

    /** An edge that uses one character of a prefix of at most {@code limit}. */
    void counting(int from, CharSet on, int to, int limit) {
      nodes.get(from).edges.add(new Edge(on, to, limit));
    }

    TemplateNfa finish(int accept, int variables, String prefix, String suffix, List<String> innerLiterals) {
      return new TemplateNfa(this, accept, variables, prefix, suffix, innerLiterals);
    }
  }

  private static final class Node {
    final boolean counted;
    final List<Integer> epsilon = new ArrayList<>();
    final List<Edge> edges = new ArrayList<>();

    Node(boolean counted) {
      this.counted = counted;
    }
  }

  private record Edge(CharSet on, int target, int limit) {}
}
