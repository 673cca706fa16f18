package dev.apikey.examples;

import dev.apikey.KeyManager;
import dev.apikey.KeyRequest;
import dev.apikey.jdbc.JdbcKeyStore;
import dev.apikey.jdbc.PostgresSchema;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee11.plus.webapp.EnvConfiguration;
import org.eclipse.jetty.ee11.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee11.webapp.JndiConfiguration;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.plus.jndi.Resource;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
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
 * docs/servlet.md's {@code store=jndi:...} as a user deploys it: the block marked {@code <!-- run: JdbcWebXmlIT -->}
 * as {@code WEB-INF/web.xml}, {@code WEB-INF/lib} holding exactly the jars the guide names (the packaged ones of this
 * build), a real Jetty with its JNDI ({@code ee11-plus}) binding a DataSource over the real PostgreSQL as
 * {@code jdbc/apikeys}, and a class loader that sees nothing of this build but Jetty, the servlet API and the
 * driver (which sits in the container's lib). The filter finds apikey-jdbc in WEB-INF/lib through ServiceLoader.
 */
class JdbcWebXmlIT {
    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema();

    private static final Pattern LIB = Pattern.compile("^WEB-INF/lib/(\\S+\\.jar)$", Pattern.MULTILINE);
    private static final Pattern JDBC_JAR = Pattern.compile("`(apikey-jdbc-\\S+\\.jar)`");

    @TempDir
    Path war;

    @Test
    void aKeyIssuedIntoTheDatabaseIsAcceptedAndARevokedOneRefused() throws Exception {
        DB.truncate();
        DataSource dataSource = DB.dataSource();
        KeyManager manager = KeyManager.builder(JdbcKeyStore.builder(dataSource).build()).build();
        String key = manager.issue(KeyRequest.builder().owner("jndi").scopes("billing:read").build()).key().reveal();
        var revoked = manager.issue(KeyRequest.builder().owner("jndi").scopes("billing:read").build());
        manager.revoke(revoked.record().id());
        String credits = manager.issue(KeyRequest.builder().owner("jndi").scopes("billing:read").credits(2).build())
                .key().reveal();

        DocBlocks block = DocBlocks.marked(DocBlocks.root().resolve("docs/servlet.md"), "run: JdbcWebXmlIT");
        assertThat(block.code()).contains("jndi:java:comp/env/jdbc/apikeys").contains("<res-ref-name>jdbc/apikeys<");
        Path lib = Files.createDirectories(war.resolve("WEB-INF/lib"));
        for (String name : documentedJars()) {
            Files.copy(builtJar(name), lib.resolve(name));
        }
        Files.writeString(war.resolve("WEB-INF/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                </web-app>
                """.formatted(block.code()));
        Files.createDirectories(war.resolve("billing"));
        Files.writeString(war.resolve("billing/invoices.txt"), "invoices");

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext app = new WebAppContext(war.toString(), "/");
        app.setThrowUnavailableOnStartupException(true);
        app.setClassLoader(new WebAppClassLoader(new ContainerClasses(), app));
        app.addConfiguration(new JndiConfiguration(), new EnvConfiguration(), new PlusConfiguration());
        // What context.xml's <Resource> does on Tomcat: the container binds its pool under the name.
        new Resource(app, "jdbc/apikeys", dataSource);
        server.setHandler(app);
        try {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            URI invoices = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/billing/invoices.txt");
            HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(invoices).header("X-API-Key", key).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).isEqualTo("invoices");
            assertThat(http.send(HttpRequest.newBuilder(invoices).header("X-API-Key", revoked.key().reveal()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("revoked").isEqualTo(401);

            // Credits are counted in the database (JdbcUsageCounters), not in the node's memory.
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(http.send(HttpRequest.newBuilder(invoices).header("X-API-Key", credits).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 429);
            assertThat(DB.queryString("SELECT max(count) FROM apikey_usage_counters")).isEqualTo("2");

            assertThat(app.getClassLoader().loadClass("dev.apikey.jdbc.JdbcKeyStore").getClassLoader())
                    .as("apikey-jdbc comes from WEB-INF/lib").isSameAs(app.getClassLoader());
        } finally {
            server.stop();
        }
    }

    /** The two jars of docs/servlet.md's WEB-INF/lib list, and the apikey-jdbc jar its JNDI section names. */
    private static List<String> documentedJars() throws IOException {
        String guide = Files.readString(DocBlocks.root().resolve("docs/servlet.md"));
        List<String> names = new ArrayList<>();
        for (Matcher m = LIB.matcher(guide); m.find(); ) {
            names.add(m.group(1));
        }
        Matcher jdbc = JDBC_JAR.matcher(guide);
        assertThat(jdbc.find()).as("docs/servlet.md names the apikey-jdbc jar").isTrue();
        names.add(jdbc.group(1));
        assertThat(names).hasSize(3);
        return names;
    }

    private static Path builtJar(String name) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals(name) && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/servlet.md names " + name + ", which is not a jar this build packaged");
    }

    /**
     * What a servlet container with PostgreSQL's driver in its lib offers a web application: the JDK, the servlet
     * API, the container's classes (and its {@code jndi.properties}) and the driver.
     */
    private static final class ContainerClasses extends ClassLoader {
        private static final List<String> CONTAINER = List.of("jakarta.", "org.eclipse.jetty.", "org.slf4j.", "org.postgresql.",
                "com.zaxxer.");
        private final ClassLoader app = JdbcWebXmlIT.class.getClassLoader();

        ContainerClasses() {
            super(ClassLoader.getPlatformClassLoader());
        }

        private static boolean container(String name) {
            String dotted = name.replace('/', '.');
            return name.equals("jndi.properties") || CONTAINER.stream().anyMatch(dotted::startsWith);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return container(name) ? app.loadClass(name) : super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return container(name) ? app.getResource(name) : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return container(name) ? app.getResources(name) : super.getResources(name);
        }
    }
}
