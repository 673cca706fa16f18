package dev.apikey;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar and the pom this module publishes: jackson-jr lives inside the jar under core's own package, so an
 * application's Jackson (any version) can never meet it, and the published pom names no dependency at all.
 * Runs after {@code package} (failsafe), on the real artifacts in {@code target/}.
 */
class ShadedJarIT {
    private static final String RELOCATED = "dev/apikey/internal/shaded/jackson/";
    private static final Path TARGET = Path.of(System.getProperty("apikey.build.directory", "target"));

    @Test
    void theJarHoldsJacksonOnlyUnderCoresOwnPackage() throws IOException {
        List<String> outside = new ArrayList<>();
        int relocated = 0;
        try (JarFile jar = new JarFile(coreJar().toFile())) {
            for (JarEntry e : jar.stream().toList()) {
                String name = e.getName();
                if (name.startsWith(RELOCATED) && name.endsWith(".class")) {
                    relocated++;
                } else if (!name.startsWith("dev/apikey/") && !name.startsWith("META-INF/") && !name.equals("dev/")) {
                    outside.add(name);
                }
            }
        }
        assertThat(outside).as("entries outside dev/apikey and META-INF").isEmpty();
        assertThat(relocated).as("relocated jackson-jr and jackson-core classes").isGreaterThan(100);
    }

    @Test
    void noClassInTheJarReferencesTheOriginalJacksonPackage() throws IOException {
        List<String> referencing = new ArrayList<>();
        byte[] original = "com/fasterxml/jackson".getBytes(StandardCharsets.UTF_8);
        try (JarFile jar = new JarFile(coreJar().toFile())) {
            for (JarEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                byte[] bytes = jar.getInputStream(e).readAllBytes();
                if (indexOf(bytes, original) >= 0) {
                    referencing.add(e.getName());
                }
            }
        }
        assertThat(referencing).isEmpty();
    }

    @Test
    void thePublishedPomHasNoRuntimeDependency() throws Exception {
        Path pom = TARGET.resolve("dependency-reduced-pom.xml");
        assertThat(pom).exists();
        NodeList deps = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getElementsByTagName("dependency");
        List<String> runtime = new ArrayList<>();
        List<String> jackson = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            String scope = text(d, "scope");
            if (text(d, "groupId").startsWith("com.fasterxml")) {
                jackson.add(text(d, "artifactId"));
            }
            if (!scope.equals("test") && !scope.equals("provided")) {
                runtime.add(text(d, "groupId") + ":" + text(d, "artifactId") + " (" + scope + ")");
            }
        }
        assertThat(runtime).as("dependencies an application would inherit").isEmpty();
        assertThat(jackson).as("Jackson dependencies of any scope").isEmpty();
    }

    @Test
    void theJarReadsAndWritesJsonWithNoJacksonOnTheClassPath() throws Exception {
        // Parent: the platform loader, so nothing from this build's class path (Jackson included) is visible.
        try (URLClassLoader alone = new URLClassLoader(new URL[]{coreJar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> json = alone.loadClass("dev.apikey.json.StrictJson");
            Object parsed = json.getMethod("object", byte[].class)
                    .invoke(null, (Object) "{\"owner\":\"billing-app\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(parsed).isEqualTo(Map.of("owner", "billing-app"));
            assertThat(json.getMethod("write", Object.class).invoke(null, Map.of("a", 1))).isEqualTo("{\"a\":1}");
            assertThat(alone.getResource("com/fasterxml/jackson/jr/ob/JSON.class")).isNull();
        }
    }

    private static Path coreJar() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> jars = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("apikey-core-") && n.endsWith(".jar") && !n.endsWith("-tests.jar");
            }).toList();
            assertThat(jars).as("the packaged core jar in target/").hasSize(1);
            return jars.get(0);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? "compile" : n.item(0).getTextContent().strip();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
