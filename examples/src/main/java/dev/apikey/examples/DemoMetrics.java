package dev.apikey.examples;

import dev.apikey.RequiresScope;
import dev.apikey.jaxrs.admin.AdminScopes;
import dev.apikey.local.LoggingAuditSink;
import dev.apikey.micrometer.ApiKeyMetrics;
import dev.apikey.spi.AuditSink;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * The demo's meters: {@link ApiKeyMetrics} in a Prometheus registry, and {@code GET /metrics} that serves them as
 * Prometheus text. The endpoint needs {@code apikeys:read} (or {@code apikeys:admin}), like the rest of what the
 * admin API shows: the meters name outcomes and adapters, not keys, but who is refused how often is still for
 * operators only.
 */
final class DemoMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ApiKeyMetrics metrics = ApiKeyMetrics.bindTo(registry);
    private final AuditSink auditSink = AuditSink.all(new LoggingAuditSink(), metrics.auditSink());

    /** The decision observer to build the verifier with. */
    ApiKeyMetrics observer() {
        return metrics;
    }

    /** The audit log plus the lifecycle counter, for the key manager and the verifier. */
    AuditSink auditSink() {
        return auditSink;
    }

    /** {@code GET /metrics}. */
    Endpoint endpoint() {
        return new Endpoint(registry);
    }

    /** The resource that serves the registry. */
    @Path("metrics")
    @RequiresScope(value = {AdminScopes.READ, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
    public static final class Endpoint {
        private final PrometheusMeterRegistry registry;

        Endpoint(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        /** The meters in the Prometheus text format. */
        @GET
        @Produces("text/plain; version=0.0.4; charset=utf-8")
        public String scrape() {
            return registry.scrape();
        }
    }
}
