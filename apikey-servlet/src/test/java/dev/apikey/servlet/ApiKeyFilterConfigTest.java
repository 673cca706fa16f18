package dev.apikey.servlet;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.CleartextKeys;
import dev.apikey.ClientThrottle;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.RateLimitPolicy;
import dev.apikey.ScopeRequirement;
import dev.apikey.VerifierConfig;
import dev.apikey.store.InMemoryKeyStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up configuration: wrong init-params and conflicting attributes fail fast, naming what is wrong. */
class ApiKeyFilterConfigTest {

    private static FilterConfig config(Map<String, String> params, Map<String, Object> attributes) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "toString" -> "test context";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "apikey";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    private static void init(Map<String, String> params) throws ServletException {
        ApiKeyFilter f = new ApiKeyFilter();
        f.init(config(params, Map.of()));
        f.destroy();
    }

    @Test
    void misspeltInitParamFailsStartNamingIt() {
        assertThatThrownBy(() -> init(Map.of("scope-rule", "GET /x a:b")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("ApiKeyFilter 'apikey'")
                .hasMessageContaining("unknown init-param 'scope-rule'")
                .hasMessageContaining("scope-rules");
    }

    @Test
    void invalidValueFailsStartNamingTheInitParam() {
        assertThatThrownBy(() -> init(Map.of("hide-credential", "yes")))
                .hasMessageContaining("init-param 'hide-credential'").hasMessageContaining("'true' or 'false'");
        assertThatThrownBy(() -> init(Map.of("realm", "a\"b"))).hasMessageContaining("init-param 'realm'");
        assertThatThrownBy(() -> init(Map.of("default-rate-limit", "lots"))).hasMessageContaining("init-param 'default-rate-limit'");
        assertThatThrownBy(() -> init(Map.of("environments", "prod"))).hasMessageContaining("init-param 'environments'");
        assertThatThrownBy(() -> init(Map.of("trusted-proxies", "10.0.0.0/99"))).hasMessageContaining("init-param 'trusted-proxies'");
        assertThatThrownBy(() -> init(Map.of("key-prefix", "A"))).hasMessageContaining("init-param 'key-prefix'");
        assertThatThrownBy(() -> init(Map.of("private-cache-control", "no"))).hasMessageContaining("init-param 'private-cache-control'");
        assertThatThrownBy(() -> init(Map.of("vary-on-key-header", "off"))).hasMessageContaining("init-param 'vary-on-key-header'");
        assertThatThrownBy(() -> init(Map.of("forwarded-header", "X Forwarded"))).hasMessageContaining("init-param 'forwarded-header'");
        assertThatThrownBy(() -> init(Map.of("cleartext-keys", "warn")))
                .hasMessageContaining("init-param 'cleartext-keys'").hasMessageContaining("refuse, flag, suspend, allow");
        assertThatThrownBy(() -> init(Map.of("scope-rules", "GET /billing/* billing:*")))
                .hasMessageContaining("init-param 'scope-rules'").hasMessageContaining("GET /billing/* billing:*");
    }

    @Test
    void storeMustBeMemoryOrAFile() throws ServletException {
        init(Map.of("store", "memory"));
        assertThatThrownBy(() -> init(Map.of("store", "redis://x"))).hasMessageContaining("'memory', 'file:PATH' or 'jndi:NAME'");
        assertThatThrownBy(() -> init(Map.of("store", "file:"))).hasMessageContaining("needs a path");
    }

    @Test
    void aStoreFileThatDoesNotExistFailsStartUnlessCreateStoreIsSet(@TempDir Path dir) throws ServletException {
        Path typo = dir.resolve("kyes.json");
        assertThatThrownBy(() -> init(Map.of("store", "file:" + typo)))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("init-param 'store'")
                .hasMessageContaining("does not exist")
                .hasMessageContaining("create-store");
        assertThat(typo).doesNotExist();

        init(Map.of("store", "file:" + typo, "create-store", "true"));
        assertThat(typo).exists();
        init(Map.of("store", "file:" + typo));
    }

    @Test
    void createStoreOnlyAppliesToAFileStore() {
        assertThatThrownBy(() -> init(Map.of("create-store", "true")))
                .hasMessageContaining("init-param 'create-store'").hasMessageContaining("file:PATH");
        assertThatThrownBy(() -> init(Map.of("store", "memory", "create-store", "yes")))
                .hasMessageContaining("init-param 'create-store'");
    }

    @Test
    void aJndiStoreWithoutTheJdbcJarFailsStartNamingTheJar() {
        // This module's tests run without apikey-jdbc, as a servlet application that keeps keys in a file does.
        assertThatThrownBy(() -> init(Map.of("store", "jndi:java:comp/env/jdbc/apikeys")))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("init-param 'store'")
                .hasMessageContaining("apikey-jdbc")
                .hasMessageContaining("WEB-INF/lib");
        assertThatThrownBy(() -> init(Map.of("store", "jndi:"))).hasMessageContaining("needs a name");
    }

    @Test
    void createSchemaOnlyAppliesToAJndiStore(@TempDir Path dir) {
        assertThatThrownBy(() -> init(Map.of("create-schema", "true")))
                .hasMessageContaining("init-param 'create-schema'").hasMessageContaining("jndi:NAME");
        assertThatThrownBy(() -> init(Map.of("store", "file:" + dir.resolve("k.json"), "create-store", "true",
                "create-schema", "true"))).hasMessageContaining("init-param 'create-schema'");
        assertThatThrownBy(() -> init(Map.of("store", "jndi:jdbc/x", "create-schema", "yes")))
                .hasMessageContaining("init-param 'create-schema'").hasMessageContaining("'true' or 'false'");
        assertThatThrownBy(() -> new ApiKeyFilter().init(config(Map.of("create-schema", "false"),
                Map.of(ApiKeyFilterConfig.STORE_ATTRIBUTE, new InMemoryKeyStore()))))
                .hasMessageContaining("init-param 'create-schema'");
    }

    @Test
    void aFileStoreSpecWithoutAPathIsRejected() {
        assertThatThrownBy(() -> init(Map.of("store", "file:"))).hasMessageContaining("needs a path");
    }

    @Test
    void everyDocumentedInitParamIsAccepted(@TempDir Path dir) throws ServletException {
        Map<String, String> all = new HashMap<>();
        all.put(ApiKeyFilterConfig.STORE, "memory");
        all.put(ApiKeyFilterConfig.HEADER_NAME, "X-Key");
        all.put(ApiKeyFilterConfig.REALM, "r");
        all.put(ApiKeyFilterConfig.QUERY_PARAMETER, "k");
        all.put(ApiKeyFilterConfig.TRUSTED_PROXIES, "10.0.0.0/8, 192.168.0.1");
        all.put(ApiKeyFilterConfig.DEFAULT_RATE_LIMIT, "100/1s burst 20, 10000/1d");
        all.put(ApiKeyFilterConfig.RATE_LIMIT_HEADERS, "false");
        all.put(ApiKeyFilterConfig.RATE_LIMIT_FAIL_OPEN, "true");
        all.put(ApiKeyFilterConfig.FAILURE_THROTTLE, "off");
        all.put(ApiKeyFilterConfig.FORWARDED_HEADER, "Forwarded");
        all.put(ApiKeyFilterConfig.PRIVATE_CACHE_CONTROL, "false");
        all.put(ApiKeyFilterConfig.VARY_ON_KEY_HEADER, "false");
        all.put(ApiKeyFilterConfig.KEY_PREFIX, "acme");
        all.put(ApiKeyFilterConfig.ENVIRONMENTS, "live,test");
        all.put(ApiKeyFilterConfig.PUBLIC_PATHS, "/health\nGET /docs/*");
        all.put(ApiKeyFilterConfig.SCOPE_RULES, "GET /a/* a:read\n* /b b:x|b:y");
        all.put(ApiKeyFilterConfig.HIDE_CREDENTIAL, "true");
        all.put(ApiKeyFilterConfig.CLEARTEXT_KEYS, "flag");

        init(all);
        all.put(ApiKeyFilterConfig.STORE, "file:" + dir.resolve("keys.json"));
        all.put(ApiKeyFilterConfig.CREATE_STORE, "true");
        init(all);
    }

    @Test
    void verifierFromContextAttributeExcludesVerifierInitParams() throws ServletException {
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(new InMemoryKeyStore()).build()) {
            ApiKeyFilter ok = new ApiKeyFilter();
            ok.init(config(Map.of("scope-rules", "GET /a a:b"), Map.of(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, v)));

            assertThatThrownBy(() -> new ApiKeyFilter().init(config(Map.of("realm", "x"),
                    Map.of(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, v))))
                    .hasMessageContaining("[realm]").hasMessageContaining(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE);
            assertThatThrownBy(() -> new ApiKeyFilter().init(config(Map.of(),
                    Map.of(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, "not a verifier"))))
                    .hasMessageContaining("must be a dev.apikey.ApiKeyVerifier");
            assertThatThrownBy(() -> new ApiKeyFilter(v, PathRules.none()).init(config(Map.of("scope-rules", "GET /a"), Map.of())))
                    .hasMessageContaining("constructed with rules");
        }
    }

    @Test
    void storeAttributeAndStoreInitParamConflict() {
        assertThatThrownBy(() -> new ApiKeyFilter().init(config(Map.of("store", "memory"),
                Map.of(ApiKeyFilterConfig.STORE_ATTRIBUTE, new InMemoryKeyStore()))))
                .hasMessageContaining("conflicts").hasMessageContaining(ApiKeyFilterConfig.STORE_ATTRIBUTE);
    }

    @Test
    void rulesFromContextAttributeAreUsed() throws ServletException {
        PathRules rules = PathRules.builder().rule(List.of("GET"), "/a/*", ScopeRequirement.all("a:read")).build();
        try (ApiKeyVerifier v = ApiKeyVerifier.builder(new InMemoryKeyStore()).build()) {
            ApiKeyFilter f = new ApiKeyFilter();
            f.init(config(Map.of(), Map.of(ApiKeyFilterConfig.VERIFIER_ATTRIBUTE, v, ApiKeyFilterConfig.RULES_ATTRIBUTE, rules)));
            assertThat(f.toString()).contains("/a/* -> all of [a:read]");
        }
    }

    @Test
    void invalidConfigurationMessagesAreOfTheCoreType() {
        assertThatThrownBy(() -> StoreFactory.create("nope", false, false)).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void initParamsBuildTheSameConfigurationAsCode() {
        VerifierConfig fromParams = new InitParams(Map.ofEntries(
                Map.entry(ApiKeyFilterConfig.HEADER_NAME, " X-Key "),
                Map.entry(ApiKeyFilterConfig.REALM, "shop"),
                Map.entry(ApiKeyFilterConfig.QUERY_PARAMETER, "k"),
                Map.entry(ApiKeyFilterConfig.TRUSTED_PROXIES, "10.0.0.0/8, 192.0.2.1/32"),
                Map.entry(ApiKeyFilterConfig.FORWARDED_HEADER, "Forwarded"),
                Map.entry(ApiKeyFilterConfig.PRIVATE_CACHE_CONTROL, "false"),
                Map.entry(ApiKeyFilterConfig.VARY_ON_KEY_HEADER, "false"),
                Map.entry(ApiKeyFilterConfig.DEFAULT_RATE_LIMIT, "10/1s"),
                Map.entry(ApiKeyFilterConfig.RATE_LIMIT_HEADERS, "false"),
                Map.entry(ApiKeyFilterConfig.RATE_LIMIT_FAIL_OPEN, "true"),
                Map.entry(ApiKeyFilterConfig.FAILURE_THROTTLE, "off"),
                Map.entry(ApiKeyFilterConfig.CLEARTEXT_KEYS, " Suspend "),
                Map.entry(ApiKeyFilterConfig.ENVIRONMENTS, "test"))).config();
        VerifierConfig fromCode = VerifierConfig.custom().headerName("X-Key").realm("shop").queryParameter("k")
                .trustedProxies(List.of("10.0.0.0/8", "192.0.2.1/32")).forwardedHeader("Forwarded")
                .privateCacheControl(false).varyOnKeyHeader(false).defaultRateLimit(RateLimitPolicy.parse("10/1s"))
                .rateLimitHeaders(false).rateLimiterFailOpen(true).clientThrottle(ClientThrottle.disabled())
                .environments(Environment.TEST).cleartextKeys(CleartextKeys.SUSPEND).build();
        assertThat(fromParams).usingRecursiveComparison().isEqualTo(fromCode);
        assertThat(new InitParams(Map.of()).config()).usingRecursiveComparison().isEqualTo(VerifierConfig.ofDefaults());
        assertThat(fromParams).usingRecursiveComparison().isNotEqualTo(VerifierConfig.ofDefaults());
    }
}
