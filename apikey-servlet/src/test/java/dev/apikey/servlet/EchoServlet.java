package dev.apikey.servlet;

import dev.apikey.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * The application behind the filter: answers every method on every path with what it sees, one
 * {@code name=value} per line. {@code ?role=x} asks {@code isUserInRole("x")}.
 */
public class EchoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Principal p = req.getUserPrincipal();
        Object attr = req.getAttribute(ApiKeyPrincipal.REQUEST_ATTRIBUTE);
        StringBuilder b = new StringBuilder();
        b.append("method=").append(req.getMethod()).append('\n');
        b.append("path=").append(req.getServletPath()).append(req.getPathInfo() == null ? "" : req.getPathInfo()).append('\n');
        b.append("principal=").append(p == null ? "-" : p.getName()).append('\n');
        if (p instanceof ApiKeyPrincipal k) {
            b.append("owner=").append(k.owner()).append('\n');
        }
        b.append("remoteUser=").append(req.getRemoteUser()).append('\n');
        b.append("authType=").append(req.getAuthType()).append('\n');
        b.append("attribute=").append(attr instanceof ApiKeyPrincipal k ? k.id() : "-").append('\n');
        b.append("keyHeader=").append(req.getHeader("X-API-Key") == null ? "absent" : "present").append('\n');
        b.append("authorization=").append(req.getHeader("Authorization") == null ? "absent" : "present").append('\n');
        String[] roles = req.getParameterValues("role");
        if (roles != null) {
            for (String r : roles) {
                b.append("role.").append(r).append('=').append(req.isUserInRole(r)).append('\n');
            }
        }
        resp.setHeader("X-Principal", p == null ? "-" : p.getName());
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
