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
 * {@code name=value} per line. {@code ?role=x} asks {@code isUserInRole("x")}; {@code ?cc=v} sets
 * {@code Cache-Control: v} with {@code setHeader}, {@code ?cc-add=v} with {@code addHeader}; {@code ?vary=v} sets
 * {@code Vary: v} with {@code setHeader}; {@code ?big} writes 64 KB more, so that the response is committed before
 * the servlet returns; {@code ?reset} sets both headers and then resets the response.
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
        ApiKeys.principal(req).ifPresent(k -> {
            b.append("owner=").append(k.owner()).append('\n');
            b.append("tenant=").append(k.tenant()).append('\n');
            k.labels().forEach((name, value) -> b.append("label.").append(name).append('=').append(value).append('\n'));
        });
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
        if (req.getParameter("reset") != null) {
            resp.setHeader("Cache-Control", "max-age=600");
            resp.setHeader("Vary", "Accept");
            resp.reset();
        }
        resp.setHeader("X-Principal", p == null ? "-" : p.getName());
        if (req.getParameter("cc") != null) {
            resp.setHeader("Cache-Control", req.getParameter("cc"));
        }
        if (req.getParameter("cc-add") != null) {
            resp.addHeader("Cache-Control", req.getParameter("cc-add"));
        }
        if (req.getParameter("vary") != null) {
            resp.setHeader("Vary", req.getParameter("vary"));
        }
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
        if (req.getParameter("big") != null) {
            resp.getOutputStream().write(new byte[64 * 1024]);
        }
    }
}
