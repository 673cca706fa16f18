package dev.apikey.servlet;

import dev.apikey.ApiKeyVerifier;
import dev.apikey.CleartextKeys;
import dev.apikey.ClientThrottle;
import dev.apikey.Environment;
import dev.apikey.InvalidConfigurationException;
import dev.apikey.KeyFormat;
import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.Text;
import dev.apikey.VerifierBuilder;
import dev.apikey.VerifierConfig;
import dev.apikey.spi.KeyStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.apikey.servlet.ApiKeyFilterConfig.CLEARTEXT_KEYS;
import static dev.apikey.servlet.ApiKeyFilterConfig.CREATE_SCHEMA;
import static dev.apikey.servlet.ApiKeyFilterConfig.CREATE_STORE;
import static dev.apikey.servlet.ApiKeyFilterConfig.DEFAULT_RATE_LIMIT;
import static dev.apikey.servlet.ApiKeyFilterConfig.ENVIRONMENTS;
import static dev.apikey.servlet.ApiKeyFilterConfig.FAILURE_THROTTLE;
import static dev.apikey.servlet.ApiKeyFilterConfig.FORWARDED_HEADER;
import static dev.apikey.servlet.ApiKeyFilterConfig.HEADER_NAME;
import static dev.apikey.servlet.ApiKeyFilterConfig.HIDE_CREDENTIAL;
import static dev.apikey.servlet.ApiKeyFilterConfig.KEY_PREFIX;
import static dev.apikey.servlet.ApiKeyFilterConfig.PRIVATE_CACHE_CONTROL;
import static dev.apikey.servlet.ApiKeyFilterConfig.PUBLIC_PATHS;
import static dev.apikey.servlet.ApiKeyFilterConfig.QUERY_PARAMETER;
import static dev.apikey.servlet.ApiKeyFilterConfig.LEGACY_KEYS;
import static dev.apikey.servlet.ApiKeyFilterConfig.RATE_LIMIT_FAIL_OPEN;
import static dev.apikey.servlet.ApiKeyFilterConfig.RATE_LIMIT_HEADERS;
import static dev.apikey.servlet.ApiKeyFilterConfig.REALM;
import static dev.apikey.servlet.ApiKeyFilterConfig.SCOPE_RULES;
import static dev.apikey.servlet.ApiKeyFilterConfig.STORE;
import static dev.apikey.servlet.ApiKeyFilterConfig.TRUSTED_PROXIES;
import static dev.apikey.servlet.ApiKeyFilterConfig.VARY_ON_KEY_HEADER;

/**
 * The filter's init-params, validated: each is handed to the {@link VerifierConfig} builder method a programmatic
 * user would call, and a failure names the init-param.
 */
final class InitParams {
    /** Init-params that configure the verifier. */
    static final Set<String> VERIFIER = Set.of(STORE, CREATE_STORE, CREATE_SCHEMA, HEADER_NAME, REALM, QUERY_PARAMETER, TRUSTED_PROXIES,
            DEFAULT_RATE_LIMIT, RATE_LIMIT_HEADERS, RATE_LIMIT_FAIL_OPEN, LEGACY_KEYS, FAILURE_THROTTLE, KEY_PREFIX, ENVIRONMENTS,
            FORWARDED_HEADER, PRIVATE_CACHE_CONTROL, VARY_ON_KEY_HEADER, CLEARTEXT_KEYS);
    /** Init-params that configure the rules. */
    static final Set<String> RULES = Set.of(PUBLIC_PATHS, SCOPE_RULES);
    private static final Set<String> FILTER = Set.of(HIDE_CREDENTIAL);

    private final Map<String, String> values;

    /**
     * @throws InvalidConfigurationException if a name is not one of {@link ApiKeyFilterConfig}'s
     */
    InitParams(Map<String, String> values) {
        for (String name : values.keySet()) {
            if (!VERIFIER.contains(name) && !RULES.contains(name) && !FILTER.contains(name)) {
                throw new InvalidConfigurationException("unknown init-param '" + Text.safe(name, 64)
                        + "'; known: " + String.join(", ", known()));
            }
        }
        this.values = Map.copyOf(values);
    }

    private static List<String> known() {
        List<String> all = new ArrayList<>(VERIFIER);
        all.addAll(RULES);
        all.addAll(FILTER);
        all.sort(null);
        return all;
    }

    /** The names present out of {@code names}. */
    List<String> present(Set<String> names) {
        return values.keySet().stream().filter(names::contains).sorted().toList();
    }

    /** The verifier these params describe, over {@code store} if given, else the {@value ApiKeyFilterConfig#STORE} param's. */
    ApiKeyVerifier verifier(KeyStore shared) {
        if (shared != null && values.containsKey(STORE)) {
            throw new InvalidConfigurationException("init-param '" + STORE + "' conflicts with the ServletContext attribute "
                    + ApiKeyFilterConfig.STORE_ATTRIBUTE + "; set only one");
        }
        for (String flag : List.of(CREATE_STORE, CREATE_SCHEMA)) {
            if (shared != null && values.containsKey(flag)) {
                throw new InvalidConfigurationException("init-param '" + flag + "' applies only to a " + storeKind(flag));
            }
        }
        boolean createFile = apply(CREATE_STORE, "false", InitParams::bool);
        boolean createSchema = apply(CREATE_SCHEMA, "false", InitParams::bool);
        StoreFactory.Stores stores = shared != null ? new StoreFactory.Stores(shared, null)
                : apply(STORE, "memory", spec -> StoreFactory.create(spec, createFile, createSchema));
        String spec = values.getOrDefault(STORE, "").strip();
        if (createFile && !spec.startsWith("file:")) {
            throw new InvalidConfigurationException("init-param '" + CREATE_STORE + "' applies only to a " + storeKind(CREATE_STORE));
        }
        if (createSchema && !spec.startsWith("jndi:")) {
            throw new InvalidConfigurationException("init-param '" + CREATE_SCHEMA + "' applies only to a " + storeKind(CREATE_SCHEMA));
        }
        KeyStore store = stores.store();
        VerifierBuilder b = ApiKeyVerifier.builder(store).config(config());
        if (stores.counters() != null) {
            b.usageCounters(stores.counters());
        }
        with(KEY_PREFIX, v -> b.format(KeyFormat.withPrefix(v.strip())));
        return b.build();
    }

    private static String storeKind(String flag) {
        return flag.equals(CREATE_STORE) ? "store=file:PATH" : "store=jndi:NAME";
    }

    /** The verifier configuration these params describe: the same builder calls a programmatic user makes. */
    VerifierConfig config() {
        VerifierConfig.Builder c = VerifierConfig.custom();
        with(HEADER_NAME, v -> c.headerName(v.strip()));
        with(REALM, v -> c.realm(v.strip()));
        with(QUERY_PARAMETER, v -> c.queryParameter(v.isBlank() ? null : v.strip()));
        with(TRUSTED_PROXIES, v -> c.trustedProxies(split(v)));
        with(FORWARDED_HEADER, v -> c.forwardedHeader(v.strip()));
        with(PRIVATE_CACHE_CONTROL, v -> c.privateCacheControl(bool(v)));
        with(VARY_ON_KEY_HEADER, v -> c.varyOnKeyHeader(bool(v)));
        with(DEFAULT_RATE_LIMIT, v -> c.defaultRateLimit(RateLimitPolicy.parse(v)));
        with(RATE_LIMIT_HEADERS, v -> c.rateLimitHeaders(bool(v)));
        with(RATE_LIMIT_FAIL_OPEN, v -> c.rateLimiterFailOpen(bool(v)));
        with(LEGACY_KEYS, v -> c.legacyKeys(bool(v)));
        with(FAILURE_THROTTLE, v -> c.clientThrottle(v.strip().equals("off") ? ClientThrottle.disabled()
                : new ClientThrottle(true, RateLimit.parse(v.strip()), ClientThrottle.ofDefaults().maxTracked(), List.of())));
        with(CLEARTEXT_KEYS, v -> c.cleartextKeys(cleartextKeys(v)));
        with(ENVIRONMENTS, v -> c.environments(split(v).stream().map(Environment::parse).toArray(Environment[]::new)));
        return c.build();
    }

    private static CleartextKeys cleartextKeys(String v) {
        for (CleartextKeys k : CleartextKeys.values()) {
            if (k.name().equalsIgnoreCase(v.strip())) {
                return k;
            }
        }
        throw new InvalidConfigurationException("must be one of refuse, flag, suspend, allow, got '" + Text.safe(v, 64) + "'");
    }

    /** The rules of {@value ApiKeyFilterConfig#PUBLIC_PATHS} and {@value ApiKeyFilterConfig#SCOPE_RULES}. */
    PathRules rules() {
        PathRules.Builder b = PathRules.builder();
        with(PUBLIC_PATHS, b::publicPaths);
        with(SCOPE_RULES, b::rules);
        return b.build();
    }

    /** {@value ApiKeyFilterConfig#HIDE_CREDENTIAL}. */
    boolean hideCredential() {
        return apply(HIDE_CREDENTIAL, "false", InitParams::bool);
    }

    private void with(String name, Consumer<String> setter) {
        String v = values.get(name);
        if (v != null) {
            apply(name, v, s -> {
                setter.accept(s);
                return null;
            });
        }
    }

    private <T> T apply(String name, String fallback, java.util.function.Function<String, T> f) {
        String v = values.getOrDefault(name, fallback);
        try {
            return f.apply(v);
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException("init-param '" + name + "': " + e.getMessage());
        }
    }

    private static boolean bool(String v) {
        String s = v.strip();
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw new InvalidConfigurationException("must be 'true' or 'false', got '" + Text.safe(s, 64) + "'");
    }

    private static List<String> split(String v) {
        return Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    /** Reads init-params into a map, keeping declaration order. */
    static Map<String, String> of(java.util.Enumeration<String> names, java.util.function.UnaryOperator<String> get) {
        Map<String, String> m = new LinkedHashMap<>();
        while (names.hasMoreElements()) {
            String n = names.nextElement();
            m.put(n, get.apply(n));
        }
        return m;
    }
}
