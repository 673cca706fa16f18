package dev.apikey.examples;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every code block of README.md, docs/*.md and examples/README.md is compiled, run or checked here or by the
 * test its marker names, so the documentation cannot drift from the code:
 * <ul>
 *   <li>{@code java}: compiled against this module's test class path (which holds every module). A block with a
 *       type declaration is a compilation unit; any other is imports plus statements, wrapped in a method whose
 *       parameters a {@code <!-- snippet: given TYPE name, ... -->} marker declares; {@code <!-- snippet: class-body -->}
 *       wraps members in a class. The blocks of one document compile together, so they may use each other.</li>
 *   <li>{@code xml}: well-formed; {@code dev.apikey} dependencies name a real module at the reactor's version.
 *       The web.xml blocks are started in Jetty by {@link WebXmlDropInIT}.</li>
 *   <li>{@code sh}: {@code <!-- run: X -->} (a test named X reads and runs the block) or
 *       {@code <!-- check: DocsTest -->} (the modules, profiles, scripts and jars each command names exist).</li>
 *   <li>{@code toml} and the {@code <!-- regex -->} block: the key patterns match generated keys.</li>
 * </ul>
 */
class DocsTest {
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "(?m)^(public |abstract |final )*(class|interface|record|enum|@interface) (\\w+)");

    @TempDir
    Path out;

    @Test
    void theReadmeIsTheFrontDoor() throws Exception {
        Path readme = DocBlocks.root().resolve("README.md");
        String text = Files.readString(readme);
        assertThat(Files.size(readme)).as("README.md size in bytes").isLessThanOrEqualTo(10 * 1024);
        assertThat(text).contains("mvn -B verify").contains("APIKEY_CLUSTER_SECRET")
                .contains("(docs/servlet.md)").contains("(docs/jaxrs.md)").contains("(docs/cluster.md)")
                .contains("(docs/reference.md)").contains("(examples/README.md)").contains("(docs/SECURITY.md)")
                .contains("(docs/CLUSTER-TRUST.md)");
        assertThat(Files.readString(DocBlocks.root().resolve(".ci/run"))).contains("mvn -B verify");
        for (String module : List.of("apikey-core", "apikey-servlet", "apikey-jaxrs", "apikey-hazelcast", "apikey-cli")) {
            assertThat(text).as("Maven coordinates of " + module).contains("`" + module + "`");
        }
        assertThat(text).contains("<artifactId>apikey-bom</artifactId>");
    }

    @Test
    void everyJavaBlockCompiles() throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler").isNotNull();
        int compiled = 0;
        for (Path doc : DocBlocks.documents()) {
            List<DocBlocks> java = DocBlocks.of(doc).stream().filter(b -> b.language().equals("java")).toList();
            if (java.isEmpty()) {
                continue;
            }
            Path src = Files.createDirectories(out.resolve("src" + compiled));
            Map<Path, DocBlocks> sources = new LinkedHashMap<>();
            for (int i = 0; i < java.size(); i++) {
                DocBlocks b = java.get(i);
                String name = "Block" + i;
                String source = source(b, name);
                Matcher type = TYPE_DECLARATION.matcher(source);
                if (b.marker().isEmpty() && type.find()) {
                    name = publicType(source, name);
                }
                Path file = src.resolve(name + ".java");
                assertThat(file).as("two blocks of %s declare %s", doc, name).doesNotExist();
                Files.writeString(file, source);
                sources.put(file, b);
            }
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
                Path classes = Files.createDirectories(out.resolve("classes" + compiled));
                boolean ok = javac.getTask(null, files, diagnostics,
                        List.of("-proc:none", "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()),
                        null, files.getJavaFileObjectsFromPaths(sources.keySet())).call();
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> sources.get(Path.of(d.getSource().toUri())).where() + " (generated line "
                                + d.getLineNumber() + "): " + d.getMessage(null))
                        .collect(Collectors.joining("\n"));
                assertThat(ok).as("Java blocks of %s compile:%n%s", doc, errors).isTrue();
            }
            compiled += sources.size();
        }
        assertThat(compiled).as("Java blocks compiled").isGreaterThanOrEqualTo(8);
    }

    @Test
    void everyBlockSaysWhatItIsAndHowItIsTested() {
        List<String> unchecked = new ArrayList<>();
        for (DocBlocks b : DocBlocks.all()) {
            boolean ok = switch (b.language()) {
                case "java", "xml", "toml" -> true;
                case "text" -> b.marker().isEmpty() || b.marker().equals("regex") || b.marker().equals("webinf-lib")
                        || b.marker().startsWith("run: ");
                case "sh" -> b.marker().startsWith("run: ") || b.marker().equals("check: DocsTest");
                default -> false;
            };
            if (!ok) {
                unchecked.add(b.where() + " (```" + b.language() + ", marker '" + b.marker() + "')");
            }
        }
        assertThat(unchecked).as("blocks without a language, or shell blocks no test runs or checks").isEmpty();
    }

    @Test
    void everyRunMarkerNamesATestThatReadsItsDocument() throws Exception {
        Map<String, Path> tests = new LinkedHashMap<>();
        try (var files = Files.walk(DocBlocks.root())) {
            files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
                    .forEach(p -> tests.put(p.getFileName().toString().replace(".java", ""), p));
        }
        int runs = 0;
        for (DocBlocks b : DocBlocks.all()) {
            if (!b.marker().startsWith("run: ")) {
                continue;
            }
            String test = b.marker().substring("run: ".length());
            assertThat(tests.containsKey(test)).as("%s names a test that exists: %s", b.where(), test).isTrue();
            String docName = DocBlocks.root().relativize(b.file()).toString();
            String body = Files.readString(tests.get(test));
            assertThat(body.contains(docName) || body.contains(b.file().getFileName().toString()))
                    .as("%s reads %s", test, docName).isTrue();
            assertThat(body).as("%s looks for its marker", test).contains("run: " + test);
            runs++;
        }
        assertThat(runs).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyXmlBlockIsWellFormedAndNamesRealModules() throws Exception {
        String version = reactorVersion();
        int dependencies = 0;
        for (DocBlocks b : DocBlocks.all()) {
            if (!b.language().equals("xml")) {
                continue;
            }
            Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader("<root>" + b.code() + "</root>")));
            NodeList deps = xml.getElementsByTagName("dependency");
            for (int i = 0; i < deps.getLength(); i++) {
                Element d = (Element) deps.item(i);
                if (!text(d, "groupId").equals("dev.apikey")) {
                    continue;
                }
                String artifact = text(d, "artifactId");
                assertThat(moduleDirectory(artifact)).as(b.where() + ": " + artifact + " is a module").isNotNull();
                assertThat(text(d, "version")).as(b.where() + ": version of " + artifact).isEqualTo(version);
                dependencies++;
            }
        }
        assertThat(dependencies).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyCheckedCommandNamesThingsThatExist() throws Exception {
        Pattern module = Pattern.compile("-pl\\s+(\\S+)");
        Pattern profile = Pattern.compile("-P(\\S+)");
        Pattern builtJar = Pattern.compile("([\\w-]+)/target/([\\w.-]+)\\.jar");
        Pattern script = Pattern.compile("(?<![\\w/])([\\w-]+(?:/[\\w-]+)*\\.sh)\\b");
        int checked = 0;
        for (DocBlocks b : DocBlocks.all()) {
            if (!b.marker().equals("check: DocsTest")) {
                continue;
            }
            for (Matcher m = module.matcher(b.code()); m.find(); checked++) {
                for (String name : m.group(1).split(",")) {
                    assertThat(DocBlocks.root().resolve(name).resolve("pom.xml")).as(b.where() + ": module " + name).exists();
                }
            }
            for (Matcher m = profile.matcher(b.code()); m.find(); checked++) {
                assertThat(allPoms()).as(b.where() + ": profile " + m.group(1)).contains("<id>" + m.group(1) + "</id>");
            }
            for (Matcher m = builtJar.matcher(b.code()); m.find(); checked++) {
                assertThat(Files.readString(DocBlocks.root().resolve(m.group(1)).resolve("pom.xml")))
                        .as(b.where() + ": " + m.group() + " is what the module builds")
                        .contains("<finalName>" + m.group(2) + "</finalName>");
            }
            for (Matcher m = script.matcher(b.code()); m.find(); checked++) {
                assertThat(Files.isExecutable(DocBlocks.root().resolve(m.group(1)))).as(b.where() + ": " + m.group(1)).isTrue();
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theClusterSecretCommandMakesASecretTheDemoAccepts() throws Exception {
        DocBlocks block = DocBlocks.marked(DocBlocks.root().resolve("docs/cluster.md"), "run: DocsTest");
        Process p = new ProcessBuilder("bash", "-euc", block.code() + "\nprintf '%s' \"$APIKEY_CLUSTER_SECRET\"")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String secret = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.exitValue()).as(secret).isZero();
        assertThat(Base64.getDecoder().decode(secret)).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void thePublishedKeyPatternsMatchRealKeysAndNothingMalformed() {
        Path reference = DocBlocks.root().resolve("docs/reference.md");
        Pattern regex = Pattern.compile(DocBlocks.marked(reference, "regex").code().strip());
        DocBlocks toml = DocBlocks.of(reference).stream().filter(b -> b.language().equals("toml")).findFirst().orElseThrow();
        Matcher quoted = Pattern.compile("regex = '''(.*)'''").matcher(toml.code());
        assertThat(quoted.find()).as("the gitleaks rule's regex").isTrue();
        Pattern gitleaks = Pattern.compile(quoted.group(1));
        for (String prefix : List.of("ak", "acme", "x1", "abcdefghijklmnop")) {
            for (Environment env : Environment.values()) {
                String key = KeyFormat.withPrefix(prefix).generate(env).reveal();
                assertThat(regex.matcher(key).matches()).as(key.substring(0, 8)).isTrue();
                assertThat(gitleaks.matcher("token=" + key + "\n").find()).isTrue();
                assertThat(regex.matcher(key.substring(0, key.length() - 1)).matches()).isFalse();
                assertThat(gitleaks.matcher(key.replace("_" + env.token() + "_", "_prod_")).find()).isFalse();
            }
        }
    }

    @Test
    void everyKeyFileTheDemoAndTheWalkThroughWriteIsGitIgnored() throws Exception {
        List<String> ignored = Files.readAllLines(DocBlocks.root().resolve(".gitignore"));
        List<String> written = new ArrayList<>(List.of(
                DemoServer.class.getDeclaredField("keysOut").getAnnotation(picocli.CommandLine.Option.class).defaultValue()));
        for (DocBlocks b : DocBlocks.of(DocBlocks.root().resolve("examples/README.md"))) {
            Matcher m = Pattern.compile(">\\s*([\\w.-]+\\.json)").matcher(b.code());
            while (m.find()) {
                written.add(m.group(1));
            }
        }
        assertThat(written).contains("apikey-demo-keys.json", "new.json", "next.json");
        assertThat(ignored).containsAll(written);
    }

    private static String source(DocBlocks b, String name) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : b.code().split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String marker = b.marker();
        if (marker.equals("snippet: class-body")) {
            return imports + "class " + name + " {\n" + body + "}\n";
        }
        if (marker.startsWith("snippet: given ")) {
            return imports + "class " + name + " {\n    void run(" + marker.substring("snippet: given ".length())
                    + ") throws Exception {\n" + body + "    }\n}\n";
        }
        if (!marker.isEmpty()) {
            throw new AssertionError(b.where() + ": unknown marker for a Java block: " + marker);
        }
        if (TYPE_DECLARATION.matcher(b.code()).find()) {
            return b.code();
        }
        return imports + "class " + name + " {\n    void run() throws Exception {\n" + body + "    }\n}\n";
    }

    private static String publicType(String source, String fallback) {
        Matcher m = Pattern.compile("(?m)^public (?:abstract |final )*(?:class|interface|record|enum|@interface) (\\w+)").matcher(source);
        return m.find() ? m.group(1) : fallback;
    }

    private static String reactorVersion() throws Exception {
        Document parent = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(DocBlocks.root().resolve("pom.xml").toFile());
        return text(parent.getDocumentElement(), "version");
    }

    private static Path moduleDirectory(String artifactId) throws Exception {
        // Every published module lives in a folder named after its artifactId.
        Path pom = DocBlocks.root().resolve(artifactId).resolve("pom.xml");
        return Files.exists(pom) && Files.readString(pom).contains("<artifactId>" + artifactId + "</artifactId>")
                ? pom.getParent() : null;
    }

    private static String allPoms() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var dirs = Files.walk(DocBlocks.root(), 2)) {
            for (Path pom : dirs.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                all.append(Files.readString(pom));
            }
        }
        return all.toString();
    }

    private static String text(Element e, String tag) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c.getTextContent().strip();
            }
        }
        return "";
    }
}
