package dev.apikey.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;

/** Records in an {@code X-Trace} response header that it ran and whom it saw, to check filter order. */
public class TraceFilter implements Filter {
    private String name;

    @Override
    public void init(FilterConfig config) {
        name = config.getInitParameter("name");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        Principal p = ((HttpServletRequest) req).getUserPrincipal();
        ((HttpServletResponse) res).addHeader("X-Trace", name + ":" + (p == null ? "anonymous" : p.getName()));
        chain.doFilter(req, res);
    }
}
