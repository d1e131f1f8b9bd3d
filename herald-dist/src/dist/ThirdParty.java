import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Writes THIRD-PARTY.txt: every library bundled in lib/herald.jar with its licence as its POM
 * declares it (or the nearest parent POM that does, as Maven inherits {@code <licenses>}).
 * Run by build.sh with the JDK's source launcher: {@code java ThirdParty.java DEPS REPO OUT}, where
 * DEPS is maven-dependency-plugin's {@code list} output and REPO the local Maven repository.
 * A library whose licence cannot be found fails the build: the file must not silently miss one.
 */
public class ThirdParty {
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[1]);
    TreeSet<String> lines = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String coordinates = line.strip().replaceFirst(" -- .*", "");
      String[] parts = coordinates.split(":");
      // group:artifact:type:version:scope or group:artifact:type:classifier:version:scope
      if (parts.length < 5 || coordinates.contains(" ")) {
        continue;
      }
      String group = parts[0];
      String artifact = parts[1];
      String version = parts[parts.length == 5 ? 3 : 4];
      if (group.equals("dev.herald")) {
        continue;   // Herald itself: LICENSE
      }
      String licences = licences(repo, group, artifact, version);
      if (licences == null) {
        unknown.add(group + ":" + artifact + ":" + version);
      } else {
        lines.add(group + ":" + artifact + ":" + version + "\n    " + licences);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("no licence in the POMs of " + unknown);
    }
    StringBuilder out = new StringBuilder()
        .append("Herald bundles the following libraries in lib/herald.jar, each listed with the\n")
        .append("licence its Maven POM declares (the text of the Apache License 2.0 is in LICENSE).\n")
        .append("The Java runtime in runtime/ is OpenJDK (GPLv2 with the Classpath Exception); its\n")
        .append("licences are in runtime/legal/. sqlite-jdbc carries the SQLite library (public\n")
        .append("domain) as native code.\n\n");
    for (String entry : lines) {
      out.append(entry).append('\n');
    }
    Files.writeString(Path.of(args[2]), out);
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
