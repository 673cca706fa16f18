package dev.apikey.jaxrs.admin;

import dev.apikey.KeyManager;
import dev.apikey.ProblemRenderer;
import dev.apikey.RequiresScope;
import dev.apikey.json.StrictJson;
import dev.apikey.leak.LeakAction;
import dev.apikey.leak.LeakReports;
import dev.apikey.leak.LeakResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /admin/leaks} with {@code {"found": ["...", ...]}} (at most {@value LeakReports#MAX_TOKENS} strings):
 * any scanner or person reports strings found where they should not be, and gets GitHub's handling
 * ({@link LeakReports}): only well-formed keys are looked up, keys of ours are revoked (or as configured), and the
 * answer is {@code {"results": [{"ours": true, "keyId": "key_...", "result": "revoked"}, {"ours": false,
 * "result": "malformed"}, ...]}} in the order sent, never echoing a string. The calling key is the reporter in the
 * audit trail, and a key with a tenant finds only its tenant's keys (others are not ours to it). Needs
 * {@value AdminScopes#REVOKE} (or {@value AdminScopes#ALL}).
 */
@Path("admin/leaks")
@RequiresScope(value = {AdminScopes.REVOKE, AdminScopes.ALL}, mode = RequiresScope.Mode.ANY)
@Produces(MediaType.APPLICATION_JSON)
public final class AdminLeaksResource {
    private final KeyManager manager;
    private final LeakAction action;
    private final ProblemRenderer problems;

    /** Leak reports over {@code manager}'s store that take {@code action} on live keys of ours. */
    public AdminLeaksResource(KeyManager manager, LeakAction action, ProblemRenderer problems) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.action = Objects.requireNonNull(action, "action");
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    /** Handles one report. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(InputStream body, @Context SecurityContext security) {
        try {
            List<String> found = AdminRequests.found(body, LeakReports.MAX_TOKENS);
            List<Map<String, Object>> results = new ArrayList<>();
            for (LeakResult r : new LeakReports(AdminResource.actingManager(manager, security), action).handle(found)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ours", r.verdict().ours());
                if (r.keyId() != null) {
                    m.put("keyId", r.keyId());
                }
                m.put("result", r.verdict().name().toLowerCase(Locale.ROOT));
                results.add(m);
            }
            return Response.ok(StrictJson.write(Map.of("results", results))).header("Cache-Control", "no-store").build();
        } catch (AdminProblems.Failure f) {
            return AdminProblems.response(f, problems);
        }
    }
}
