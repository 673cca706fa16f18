package dev.apikey.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apikey.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /reports/usage}: the servlet app's one endpoint, behind {@code ApiKeyFilter} (reports:read). */
public class UsageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/usage".equals(req.getPathInfo())) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        ApiKeyPrincipal key = (ApiKeyPrincipal) req.getUserPrincipal();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report", "usage");
        body.put("keyId", key.id());
        body.put("owner", key.owner());
        body.put("authType", req.getAuthType());
        body.put("canReadBilling", req.isUserInRole("billing:read"));
        body.put("requests", Map.of("2026-11", 1234, "2026-10", 987));
        resp.setContentType("application/json");
        JSON.writeValue(resp.getOutputStream(), body);
    }
}
