package dev.meshauth.servlet;

import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * A Jakarta Servlet {@link Filter} (Tomcat, Jetty, Undertow) that authenticates every request with
 * meshauth before the application sees it.
 *
 * <ul>
 *   <li>Accepted: the application runs with the {@link Principal} as the request's
 *       {@link HttpServletRequest#getUserPrincipal() user principal} (a {@code dev.meshauth.Principal}),
 *       in the request attribute {@link #PRINCIPAL_ATTRIBUTE} and from {@link #principal(ServletRequest)};
 *       {@code getRemoteUser()} is its name, {@code isUserInRole(r)} reads its roles,
 *       {@code getAuthType()} is {@code "Bearer"}.
 *   <li>Refused: the core's HTTP answer ({@link HttpAnswer}: status, {@code WWW-Authenticate},
 *       {@code Cache-Control: no-store}, JSON body); the application is not called.
 * </ul>
 *
 * <p>Built in code ({@code new MeshAuthFilter(RequestAuthenticator.builder(config)...build())}), or
 * declared in {@code web.xml} with the init parameters {@code config} (the validator configuration
 * as JSON text), {@code optional} ({@code true}/{@code false}) and {@code paths} (a JSON object:
 * pattern → configuration overrides, e.g. {@code {"/admin/*": {"allowed_clients": ["billing"]}}}).
 * See {@link RequestAuthenticator} for path rules, optional authentication and how the request
 * reaches the core.
 */
public final class MeshAuthFilter implements Filter {
    /** The request attribute holding the {@link Principal} of an authenticated request. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.meshauth.Principal";

    private RequestAuthenticator authenticator;
    private boolean owned;

    /** For {@code web.xml}: configured by {@link #init(FilterConfig)} from its init parameters. */
    public MeshAuthFilter() {
    }

    /** A filter over {@code authenticator} (the caller keeps it and closes it). */
    public MeshAuthFilter(RequestAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** A filter with one validator for every path and no optional authentication. */
    public MeshAuthFilter(Map<String, ?> config) {
        this.authenticator = RequestAuthenticator.builder(config).build();
        this.owned = true;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (authenticator != null) return;
        String config = filterConfig.getInitParameter("config");
        if (config == null) {
            throw new ServletException("MeshAuthFilter needs the init parameter 'config' (the validator configuration as JSON)");
        }
        try {
            RequestAuthenticator.Builder b = RequestAuthenticator.builder(RequestAuthenticator.parseObject(config, "config"))
                    .optional(Boolean.parseBoolean(filterConfig.getInitParameter("optional")));
            String paths = filterConfig.getInitParameter("paths");
            if (paths != null) {
                for (Map.Entry<String, Object> e : RequestAuthenticator.parseObject(paths, "paths").entrySet()) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) {
                        throw new IllegalArgumentException("paths: the value of " + e.getKey() + " must be a JSON object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, ?> overrides = (Map<String, ?>) m;
                    b.path(e.getKey(), overrides);
                }
            }
            authenticator = b.build();
            owned = true;
        } catch (RuntimeException e) {
            throw new ServletException("MeshAuthFilter: " + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Principal principal;
        try {
            principal = authenticator.authenticate(request);
        } catch (MeshAuthException e) {
            if (authenticator.passesAnonymously(request, e)) {
                chain.doFilter(request, response);
            } else {
                HttpAnswer.of(e).write(response);
            }
            return;
        } catch (RuntimeException e) {
            HttpAnswer.of(e).write(response);
            return;
        }
        request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
        chain.doFilter(new AuthenticatedRequest(request, principal), response);
    }

    /** The {@link Principal} of an authenticated request, or null (anonymous, or not filtered). */
    public static Principal principal(ServletRequest request) {
        Object p = request.getAttribute(PRINCIPAL_ATTRIBUTE);
        return p instanceof Principal principal ? principal : null;
    }

    /** The authenticator this filter uses. */
    public RequestAuthenticator authenticator() {
        return authenticator;
    }

    @Override
    public void destroy() {
        if (owned && authenticator != null) authenticator.close();
    }

    /** The request as the application sees it once authenticated. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final Principal principal;

        AuthenticatedRequest(HttpServletRequest request, Principal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.roles().contains(role);
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
