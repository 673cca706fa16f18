package dev.apikey.examples;

import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.store.FileKeyStore;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web.xml drop-in as docs/servlet.md tells a user to do it: a web application whose {@code WEB-INF/lib}
 * holds exactly the jars the document lists (the packaged ones of this build), started by a real Jetty from the
 * filter declarations of README.md and docs/servlet.md (the blocks marked {@code <!-- run: WebXmlDropInIT -->},
 * with only the key file's path changed), under a class loader that sees nothing of this build but Jetty and the
 * servlet API. A jar missing from the list (Jackson, before core carried it relocated) stops the filter from starting.
 */
class WebXmlDropInIT {
    private static final Pattern LIB = Pattern.compile("^WEB-INF/lib/(\\S+\\.jar)$", Pattern.MULTILINE);

    private static final String DOCUMENTED_STORE = "file:/var/lib/myapp/keys.json";

    @TempDir
    Path war;

    @Test
    void theReadmeWebXmlRunsWithExactlyTheJarsTheServletGuideLists() throws Exception {
        runs(DocBlocks.marked(DocBlocks.root().resolve("README.md"), "run: WebXmlDropInIT"));
    }

    @Test
    void theServletGuideWebXmlRunsWithExactlyTheJarsItLists() throws Exception {
        runs(DocBlocks.marked(DocBlocks.root().resolve("docs/servlet.md"), "run: WebXmlDropInIT"));
    }

    private void runs(DocBlocks filter) throws Exception {
        assertThat(filter.code()).as(filter.where()).contains(DOCUMENTED_STORE);
        List<String> documented = documentedJars();
        assertThat(documented).as("jars listed in docs/servlet.md").isNotEmpty();
        Path lib = Files.createDirectories(war.resolve("WEB-INF/lib"));
        for (String name : documented) {
            Files.copy(builtJar(name), lib.resolve(name));
        }
        Path keys = war.resolve("keys.json");
        KeyManager manager = KeyManager.builder(FileKeyStore.builder(keys).build()).build();
        String key = manager.issue(KeyRequest.builder().owner("drop-in").scopes("billing:read").build()).key().reveal();
        String otherScope = manager.issue(KeyRequest.builder().owner("drop-in").scopes("reports:read").build()).key().reveal();
        Files.writeString(war.resolve("WEB-INF/web.xml"), webXml(filter.code().replace(DOCUMENTED_STORE, "file:" + keys)));
        Files.writeString(war.resolve("hello.txt"), "hello");

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext app = new WebAppContext(war.toString(), "/");
        app.setThrowUnavailableOnStartupException(true);
        app.setClassLoader(new WebAppClassLoader(new OnlyContainerClasses(), app));
        server.setHandler(app);
        try {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            URI hello = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/hello.txt");
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(hello).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(hello).header("X-API-Key", key).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).isEqualTo("hello");
            // Both documented declarations guard GET /billing/* with billing:read.
            URI billing = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/billing/invoices");
            assertThat(http.send(HttpRequest.newBuilder(billing).header("X-API-Key", otherScope).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            assertThat(app.getClassLoader().loadClass("dev.apikey.servlet.ApiKeyFilter").getClassLoader())
                    .as("the filter comes from WEB-INF/lib").isSameAs(app.getClassLoader());
        } finally {
            server.stop();
        }
    }

    private static List<String> documentedJars() throws IOException {
        String guide = Files.readString(DocBlocks.root().resolve("docs/servlet.md"));
        List<String> names = new ArrayList<>();
        Matcher m = LIB.matcher(guide);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The jar of this build's class path with that file name: the packaged artifact of a reactor module. */
    private static Path builtJar(String name) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals(name) && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/servlet.md lists " + name + ", which is not a jar this build packaged");
    }

    private static String webXml(String filter) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                </web-app>
                """.formatted(filter);
    }

    /**
     * What a servlet container offers a web application: the JDK, the servlet API and the container's own
     * classes. Nothing else of this build (not apikey, not Jackson) is visible through it.
     */
    private static final class OnlyContainerClasses extends ClassLoader {
        private static final List<String> CONTAINER = List.of("jakarta.", "org.eclipse.jetty.", "org.slf4j.");
        private final ClassLoader app = WebXmlDropInIT.class.getClassLoader();

        OnlyContainerClasses() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (CONTAINER.stream().anyMatch(name::startsWith)) {
                return app.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return containerResource(name) ? app.getResource(name) : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return containerResource(name) ? app.getResources(name) : super.getResources(name);
        }

        // jndi.properties: Jetty's JNDI (jetty-jndi, on the test class path for JdbcWebXmlIT) is part of the container.
        private static boolean containerResource(String name) {
            String dotted = name.replace('/', '.');
            return name.equals("jndi.properties") || CONTAINER.stream().anyMatch(dotted::startsWith);
        }
    }
}
