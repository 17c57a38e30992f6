package dev.meshauth.servlet;

import dev.meshauth.Json;
import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.Validator;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authenticates Servlet requests with meshauth validators: one for the whole application and one
 * per path rule. Shared by {@link MeshAuthFilter} and the Spring Boot starter. Thread-safe.
 *
 * <p><b>The request as the core reads it.</b> Every value of every header goes to the core
 * ({@code Validator.authenticate(headers, null, now)}), duplicates included, and the core parses
 * the {@code Cookie} headers itself: two {@code Authorization} headers, a token both in the header
 * and in the configured cookie, or the cookie twice are the core's {@code invalid_request}.
 *
 * <p><b>Path rules.</b> A rule is a path pattern and configuration options that override the
 * application's for that path, typically {@code required_scopes} and {@code allowed_clients} (any
 * option the core accepts; a misspelt one is {@code invalid_config} when the rule is built). Each
 * rule is a validator of its own, so the core makes the whole decision (its
 * {@code insufficient_scope} challenge lists the scopes; {@code caller_not_allowed} is 403); a rule
 * that fetches keys (JWKS, discovery) keeps its own key cache. Patterns: {@code /health} (that path
 * only), {@code /orders/*} or {@code /orders/**} ({@code /orders} and everything under it),
 * {@code /*} (everything). The first rule that matches, in the order given, applies. The path is
 * the one the container decoded and normalised ({@code getServletPath() + getPathInfo()}; the
 * request URI without the context path when both are empty, as under a mock request).
 *
 * <p><b>Optional authentication.</b> With {@code optional}, a request without any credentials
 * ({@code no_credentials}) on a path no rule covers passes anonymously; a request carrying a bad
 * token is still refused. Paths with a rule always require a token.
 */
public final class RequestAuthenticator implements AutoCloseable {
    /** A path pattern and the validator built for it. */
    private record Rule(String pattern, Validator validator) {
        boolean matches(String path) {
            if (pattern.equals("/*") || pattern.equals("/**")) return true;
            if (pattern.endsWith("/**") || pattern.endsWith("/*")) {
                String base = pattern.substring(0, pattern.lastIndexOf('/'));
                return path.equals(base) || path.startsWith(base + "/");
            }
            return path.equals(pattern);
        }
    }

    private final Validator validator;
    private final List<Rule> rules;
    private final boolean optional;

    private RequestAuthenticator(Validator validator, List<Rule> rules, boolean optional) {
        this.validator = validator;
        this.rules = rules;
        this.optional = optional;
    }

    /** A builder over the application's validator configuration (the core's option names). */
    public static Builder builder(Map<String, ?> config) {
        return new Builder(config);
    }

    /** Builds a {@link RequestAuthenticator}. */
    public static final class Builder {
        private final Map<String, Object> config;
        private final Map<String, Map<String, Object>> paths = new LinkedHashMap<>();
        private boolean optional;

        private Builder(Map<String, ?> config) {
            this.config = new LinkedHashMap<>(config);
        }

        /** Let requests without credentials through anonymously on paths without a rule. */
        public Builder optional(boolean optional) {
            this.optional = optional;
            return this;
        }

        /** A path rule: these configuration options override the application's on {@code pattern}. */
        public Builder path(String pattern, Map<String, ?> overrides) {
            if (pattern == null || !pattern.startsWith("/")) {
                throw new IllegalArgumentException("a meshauth path pattern starts with '/': " + pattern);
            }
            paths.computeIfAbsent(pattern, p -> new LinkedHashMap<>()).putAll(overrides);
            return this;
        }

        /** A path rule requiring every one of {@code scopes} ({@code required_scopes}). */
        public Builder requireScopes(String pattern, String... scopes) {
            return path(pattern, Map.of("required_scopes", List.of(scopes)));
        }

        /** A path rule accepting only these calling client ids ({@code allowed_clients}). */
        public Builder allowClients(String pattern, String... clientIds) {
            return path(pattern, Map.of("allowed_clients", List.of(clientIds)));
        }

        /**
         * Build every validator. Invalid configuration (the application's or a rule's):
         * {@link MeshAuthException} {@code invalid_config}.
         */
        public RequestAuthenticator build() {
            Validator base = new Validator(config);
            List<Rule> rules = new ArrayList<>();
            try {
                for (Map.Entry<String, Map<String, Object>> e : paths.entrySet()) {
                    Map<String, Object> merged = new LinkedHashMap<>(config);
                    merged.putAll(e.getValue());
                    rules.add(new Rule(e.getKey(), new Validator(merged)));
                }
            } catch (RuntimeException e) {
                base.close();
                rules.forEach(r -> r.validator().close());
                throw e;
            }
            return new RequestAuthenticator(base, Collections.unmodifiableList(rules), optional);
        }
    }

    /** Parse a configuration given as JSON text (a filter's init parameter). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json, String what) {
        Object v = Json.parse(json);
        if (!(v instanceof Map)) throw new IllegalArgumentException(what + " must be a JSON object");
        return (Map<String, Object>) v;
    }

    /** The application's validator (the one used where no rule applies). */
    public Validator validator() {
        return validator;
    }

    /** Whether {@code optional} was set (requests without credentials pass where no rule applies). */
    public boolean optional() {
        return optional;
    }

    /**
     * Authenticate {@code request} against the current clock with the validator of its path.
     *
     * @throws MeshAuthException the core's refusal ({@code no_credentials} included)
     */
    public Principal authenticate(HttpServletRequest request) {
        return validatorFor(path(request)).authenticate(headers(request), null, 0);
    }

    /** Whether a path rule covers {@code request}. */
    public boolean hasRule(HttpServletRequest request) {
        return rule(path(request)) != null;
    }

    /** Whether {@code refusal} of {@code request} lets it through anonymously. */
    public boolean passesAnonymously(HttpServletRequest request, MeshAuthException refusal) {
        return optional && "no_credentials".equals(refusal.code()) && !hasRule(request);
    }

    private Validator validatorFor(String path) {
        Rule r = rule(path);
        return r == null ? validator : r.validator();
    }

    private Rule rule(String path) {
        for (Rule r : rules) {
            if (r.matches(path)) return r;
        }
        return null;
    }

    /** The path rules match: servlet path + path info, else the request URI without the context path. */
    public static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        String path = servletPath + info;
        if (!path.isEmpty()) return path;
        String uri = request.getRequestURI() == null ? "" : request.getRequestURI();
        String context = request.getContextPath() == null ? "" : request.getContextPath();
        path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }

    /** Every value of every header, as (name, value) pairs (duplicates kept). */
    public static List<Map.Entry<String, String>> headers(HttpServletRequest request) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            Enumeration<String> values = request.getHeaders(name);
            while (values != null && values.hasMoreElements()) {
                out.add(Map.entry(name, values.nextElement()));
            }
        }
        return out;
    }

    /** Close every validator this authenticator built. Idempotent. */
    @Override
    public void close() {
        validator.close();
        rules.forEach(r -> r.validator().close());
    }
}
