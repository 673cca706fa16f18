package dev.apikey.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey-bom} names every published module of the reactor, at the reactor's version, and nothing else. */
class BomTest {
    /** Reactor modules that are not published for applications: the BOM itself, a test suite, the demo. */
    private static final Set<String> NOT_PUBLISHED = Set.of("apikey-bom", "apikey-hardening", "examples");
    private static final Path ROOT = Path.of(System.getProperty("apikey.root", ".."));

    @Test
    void theBomManagesEveryPublishedModuleAtTheReactorVersion() throws Exception {
        Document parent = parse(ROOT.resolve("pom.xml"));
        String version = child(parent.getDocumentElement(), "version");
        List<String> published = new ArrayList<>();
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Node m = modules.item(i);
            // Only the default <modules>, not those a profile adds (benchmarks).
            if (m.getParentNode().getParentNode() == parent.getDocumentElement()
                    && !NOT_PUBLISHED.contains(m.getTextContent().strip())) {
                String dir = m.getTextContent().strip();
                published.add(child(parse(ROOT.resolve(dir).resolve("pom.xml")).getDocumentElement(), "artifactId"));
            }
        }

        Document bom = parse(ROOT.resolve("apikey-bom/pom.xml"));
        assertThat(bom.getElementsByTagName("parent").getLength()).as("a BOM without a parent").isZero();
        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(version);
        Map<String, String> managed = new LinkedHashMap<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertThat(child(d, "groupId")).isEqualTo("dev.apikey");
            managed.put(child(d, "artifactId"), child(d, "version"));
        }
        assertThat(published).contains("apikey-core", "apikey-servlet");
        assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(managed.values()).allMatch(version::equals);
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String child(Element e, String tag) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c.getTextContent().strip();
            }
        }
        throw new AssertionError("<" + e.getTagName() + "> has no <" + tag + ">");
    }
}
