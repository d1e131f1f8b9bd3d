import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Writes THIRD-PARTY.txt: every library bundled in lib/herald.jar with its licence as its POM
 * declares it (or the nearest parent POM that does, as Maven inherits {@code <licenses>}), and
 * beside it licenses/GROUP.ARTIFACT/ with the licence and notice files the library's jar carries.
 * Run by build.sh with the JDK's source launcher: {@code java ThirdParty.java DEPS REPO OUT TEXTS},
 * where DEPS is maven-dependency-plugin's {@code list} output, REPO the local Maven repository and
 * TEXTS a folder of licence texts (GROUP.ARTIFACT.txt) for libraries whose jar carries none.
 * The build fails for a library whose licence cannot be found, and for one under a licence other
 * than Apache 2.0 (whose text is Herald's own LICENSE) without its text: MIT and BSD licences
 * require their text, with its copyright line, in every copy.
 */
public class ThirdParty {
  /** Licence and notice files, at the root of a jar or anywhere under META-INF. */
  static final Pattern LICENCE_FILE =
      Pattern.compile("(?i)(META-INF/(.*/)?)?[^/]*(LICEN[CS]E|NOTICE|COPYING)[^/]*");

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[1]);
    Path out = Path.of(args[2]);
    Path texts = Path.of(args[3]);
    Path licences = out.resolveSibling("licenses");
    TreeSet<String> lines = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    List<String> withoutText = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String coordinates = line.strip().replaceFirst(" -- .*", "");
      String[] parts = coordinates.split(":");
      // group:artifact:type:version:scope or group:artifact:type:classifier:version:scope
      if (parts.length < 5 || coordinates.contains(" ")) {
        continue;
      }
      String group = parts[0];
      String artifact = parts[1];
      String classifier = parts.length == 5 ? null : parts[3];
      String version = parts[parts.length == 5 ? 3 : 4];
      if (group.equals("dev.herald")) {
        continue;   // Herald itself: LICENSE
      }
      String coordinate = group + ":" + artifact + ":" + version;
      String declared = licences(repo, group, artifact, version);
      if (declared == null) {
        unknown.add(coordinate);
        continue;
      }
      Path folder = licences.resolve(group + "." + artifact);
      Path jar = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
          .resolve(artifact + "-" + version + (classifier == null ? "" : "-" + classifier) + ".jar");
      List<String> files = copyLicenceFiles(jar, folder);
      Path provided = texts.resolve(group + "." + artifact + ".txt");
      if (files.isEmpty() && Files.exists(provided)) {
        Files.createDirectories(folder);
        Files.copy(provided, folder.resolve("LICENSE.txt"));
        files.add("LICENSE.txt");
      }
      if (files.isEmpty() && !declared.toLowerCase().contains("apache")) {
        withoutText.add(coordinate + " (" + declared + ")");
      }
      StringBuilder entry = new StringBuilder(coordinate).append("\n    ").append(declared);
      for (String file : files) {
        entry.append("\n    licenses/").append(group).append('.').append(artifact).append('/').append(file);
      }
      lines.add(entry.toString());
    }
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("no licence in the POMs of " + unknown);
    }
    if (!withoutText.isEmpty()) {
      throw new IllegalStateException("no licence text in the jars of " + withoutText
          + ": add each as " + texts + "/GROUP.ARTIFACT.txt, from the library's source");
    }
    StringBuilder text = new StringBuilder()
        .append("Herald bundles the following libraries in lib/herald.jar, each listed with the\n")
        .append("licence its Maven POM declares (the text of the Apache License 2.0 is in LICENSE)\n")
        .append("and the licence and notice files of its own, copied into licenses/.\n")
        .append("The Java runtime in runtime/ is OpenJDK (GPLv2 with the Classpath Exception); its\n")
        .append("licences are in runtime/legal/. sqlite-jdbc carries the SQLite library (public\n")
        .append("domain) as native code.\n\n");
    for (String entry : lines) {
      text.append(entry).append('\n');
    }
    Files.writeString(out, text);
  }

  /** Copies the licence files of a jar into a folder; returns their names there, in jar order. */
  static List<String> copyLicenceFiles(Path jar, Path folder) throws IOException {
    List<String> names = new ArrayList<>();
    TreeMap<String, ZipEntry> found = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().filter(e -> !e.isDirectory() && LICENCE_FILE.matcher(e.getName()).matches())
          .forEach(e -> found.put(e.getName(), e));
      for (ZipEntry entry : found.values()) {
        String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        if (names.contains(name)) {
          name = entry.getName().replace('/', '_');   // the same name in two folders of the jar
        }
        Files.createDirectories(folder);
        try (var in = zip.getInputStream(entry)) {
          Files.copy(in, folder.resolve(name));
        }
        names.add(name);
      }
    }
    return names;
  }

  /** The licence names of a POM, else of its nearest parent that has some; null if none. */
  static String licences(Path repo, String group, String artifact, String version) throws Exception {
    Path pom = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
        .resolve(artifact + "-" + version + ".pom");
    if (!Files.exists(pom)) {
      return null;
    }
    Document document = parse(pom);
    Element project = document.getDocumentElement();
    Element licenses = child(project, "licenses");
    if (licenses != null) {
      List<String> names = new ArrayList<>();
      for (Node node = licenses.getFirstChild(); node != null; node = node.getNextSibling()) {
        if (node instanceof Element licence && licence.getTagName().equals("license")) {
          Element name = child(licence, "name");
          Element url = child(licence, "url");
          names.add((name != null ? name.getTextContent().strip() : "?")
              + (url != null ? " <" + url.getTextContent().strip() + ">" : ""));
        }
      }
      if (!names.isEmpty()) {
        return String.join("; ", names);
      }
    }
    Element parent = child(project, "parent");
    if (parent == null) {
      return null;
    }
    return licences(repo, text(parent, "groupId"), text(parent, "artifactId"), text(parent, "version"));
  }

  static Document parse(Path pom) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(pom.toFile());
    } catch (Exception e) {
      throw new IOException("cannot read " + pom, e);
    }
  }

  static Element child(Element parent, String tag) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(tag)) {
        return element;
      }
    }
    return null;
  }

  static String text(Element parent, String tag) {
    Element element = child(parent, tag);
    return element == null ? null : element.getTextContent().strip();
  }
}
