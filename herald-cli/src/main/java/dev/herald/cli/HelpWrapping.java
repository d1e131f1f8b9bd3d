package dev.herald.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Every command's {@code --help} wrapped to {@link #WIDTH} columns at spaces only. Picocli wraps
 * with a {@link java.text.BreakIterator}, which also breaks after {@code .}, {@code :} and
 * {@code /}: inside {@code [--listen=HOST:PORT]}, URLs ({@code http://localhost:8080/.well-known})
 * and paths ({@code ./herald-data}), and picocli has no hook to change that. So picocli renders
 * each section at a width where it breaks nothing, and each line is wrapped again here, with the
 * indentation picocli would have used: a synopsis continues under its first option, a description
 * in the option and command lists two columns right of where it starts, a paragraph at its own
 * indentation. ANSI styles (picocli colours the help on a terminal) take no columns.
 */
final class HelpWrapping {
  /** The help's width: an 80-column terminal. */
  static final int WIDTH = 80;
  /** Wide enough that picocli never wraps a line itself. */
  private static final int UNWRAPPED = 10_000;
  /** Picocli's indentation of a wrapped description (TextTable's indentWrappedLines). */
  private static final int WRAPPED_INDENT = 2;

  private HelpWrapping() {}

  /** Makes {@code command} and all its subcommands wrap their help at spaces, at {@link #WIDTH}. */
  static void install(CommandLine command) {
    command.setUsageHelpWidth(UNWRAPPED);
    // Picocli gives a command's section map to its subcommands too: wrap each command's own
    // renderers first, then set the maps parent first, so that no renderer is wrapped twice.
    Map<CommandLine, Map<String, IHelpSectionRenderer>> maps = new LinkedHashMap<>();
    collect(command, maps);
    maps.forEach(CommandLine::setHelpSectionMap);
  }

  private static void collect(CommandLine command, Map<CommandLine, Map<String, IHelpSectionRenderer>> maps) {
    Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
    command.getHelpSectionMap().forEach((key, renderer) -> sections.put(key, wrapping(key, renderer)));
    maps.put(command, sections);
    command.getSubcommands().values().forEach(subcommand -> collect(subcommand, maps));
  }

  private static IHelpSectionRenderer wrapping(String section, IHelpSectionRenderer renderer) {
    return help -> {
      String text = renderer.render(help);
      return switch (section) {
        case CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS -> synopsis(help, text);
        case CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST -> table(text, descriptionColumn(help));
        case CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST -> table(text, -1);
        default -> paragraphs(text);
      };
    };
  }

  /** The synopsis follows "Usage: " and continues under the column after the command's name. */
  private static String synopsis(Help help, String text) {
    int heading = help.synopsisHeadingLength();
    int indent = heading + help.commandSpec().qualifiedName().length() + 1;
    String[] lines = text.split("\\R", -1);
    List<String> out = new ArrayList<>(wrap(lines[0], heading, indent, true));
    for (int i = 1; i < lines.length; i++) { // a second synopsis, or the empty line after it
      out.addAll(wrap(lines[i], 0, indent, true));
    }
    return String.join(System.lineSeparator(), out);
  }

  /**
   * Lines of a two-column table; {@code column} is where descriptions start, or -1 to find it on
   * each row (the command list: a name, spaces, the description).
   */
  private static String table(String text, int column) {
    return eachLine(text, line -> {
      int lead = Ansi.leadingSpaces(line);
      int start = column >= 0 ? column : Ansi.afterFirstWord(line);
      int from = lead >= start ? lead : start; // a row, or a description's next paragraph
      return wrap(line, 0, from + WRAPPED_INDENT, false, from);
    });
  }

  private static String paragraphs(String text) {
    return eachLine(text, line -> wrap(line, 0, Ansi.leadingSpaces(line), false));
  }

  /** Where picocli's option and parameter lists start a description (after the option columns). */
  private static int descriptionColumn(Help help) {
    Help.Column[] columns = help.createDefaultLayout().textTable().columns();
    int start = 0;
    for (int i = 0; i < columns.length - 1; i++) {
      start += columns[i].width;
    }
    return start + columns[columns.length - 1].indent;
  }

  private static String eachLine(String text, java.util.function.Function<String, List<String>> wrap) {
    String[] lines = text.split("\\R", -1);
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.addAll(wrap.apply(line));
    }
    return String.join(System.lineSeparator(), out);
  }

  private static List<String> wrap(String line, int offset, int indent, boolean synopsis) {
    return wrap(line, offset, indent, synopsis, Ansi.leadingSpaces(line));
  }

  /**
   * {@code line} cut at spaces (after column {@code from}) into lines of at most {@link #WIDTH}
   * columns, the first preceded by {@code offset} columns of other text, the others indented by
   * {@code indent}. A word longer than a line stays whole. In a synopsis only the spaces between
   * options count: not those inside {@code [...]} or quotes ({@code [-H='NAME: VALUE']}).
   */
  private static List<String> wrap(String line, int offset, int indent, boolean synopsis, int from) {
    List<String> lines = new ArrayList<>();
    String rest = line;
    int used = offset;
    int skip = from;
    while (used + Ansi.width(rest) > WIDTH) {
      int cut = -1; // the last space that fits, else the first one (a word longer than a line)
      for (int space : breaks(rest, skip, synopsis)) {
        if (cut >= 0 && used + Ansi.width(rest.substring(0, space)) > WIDTH) {
          break;
        }
        cut = space;
      }
      if (cut < 0) {
        break;
      }
      lines.add(rest.substring(0, cut).stripTrailing());
      rest = " ".repeat(indent) + rest.substring(cut).stripLeading();
      used = 0;
      skip = indent;
    }
    lines.add(rest);
    return lines;
  }

  /** The indexes of the spaces where {@code text} may break, after column {@code from}. */
  private static List<Integer> breaks(String text, int from, boolean synopsis) {
    List<Integer> spaces = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int column = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u001b') {
        i = Ansi.endOfEscape(text, i);
        continue;
      }
      if (synopsis) {
        if (c == '\'') {
          quoted = !quoted;
        } else if (!quoted && c == '[') {
          depth++;
        } else if (!quoted && c == ']') {
          depth--;
        }
      }
      if (c == ' ' && column > from && depth == 0 && !quoted && text.charAt(i - 1) != ' ') {
        spaces.add(i);
      }
      column++;
    }
    return spaces;
  }

  /** Columns of text that may hold ANSI styles (ESC [ ... letter), which take none. */
  private static final class Ansi {
    static int width(String text) {
      int width = 0;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\u001b') {
          i = endOfEscape(text, i);
        } else {
          width++;
        }
      }
      return width;
    }

    static int endOfEscape(String text, int escape) {
      int i = escape + 1;
      if (i < text.length() && text.charAt(i) == '[') {
        i++;
        while (i < text.length() && !Character.isLetter(text.charAt(i))) {
          i++;
        }
      }
      return i;
    }

    static int leadingSpaces(String text) {
      int i = 0;
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
      return i;
    }

    /** The column of the second word of {@code text} ("  serve      Runs..." → 13). */
    static int afterFirstWord(String text) {
      int column = 0;
      int i = 0;
      boolean word = false;
      for (; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\u001b') {
          i = endOfEscape(text, i);
          continue;
        }
        if (c != ' ') {
          if (word && text.charAt(i - 1) == ' ') {
            return column;
          }
          word = true;
        }
        column++;
      }
      return column;
    }
  }
}
