package dev.meshauth.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshauth.Principal;
import dev.meshauth.testing.DevIssuer;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter in an embedded Tomcat started by the test, against the development issuer: what a
 * caller of the service observes (status, headers, body) and what the application sees.
 */
class MeshAuthFilterTest {
    static DevIssuer dev;
    static Tomcat tomcat;
    static String base;
    static RequestAuthenticator authenticator;
    static final AtomicInteger applicationCalls = new AtomicInteger();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The application: says who called, as the container reports it. */
    static final class Echo extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            applicationCalls.incrementAndGet();
            Principal p = MeshAuthFilter.principal(req);
            resp.setContentType("text/plain");
            resp.getWriter().print(p == null
                    ? "anonymous user=" + req.getUserPrincipal()
                    : p.subject() + " " + p.scopes() + " user=" + req.getUserPrincipal().getName() + " remote="
                            + req.getRemoteUser() + " auth=" + req.getAuthType() + " same=" + (req.getUserPrincipal() == p));
        }
    }

    static Map<String, Object> config() {
        return Map.of("issuer", dev.issuer(), "audience", "orders", "discovery", true, "cookie_name", "access_token");
    }

    @BeforeAll
    static void start() throws Exception {
        dev = DevIssuer.start();
        authenticator = RequestAuthenticator.builder(config())
                .optional(true)
                .requireScopes("/orders/*", "orders:write")
                .allowClients("/admin/**", "billing")
                .build();
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("meshauth-tomcat").toString());
        tomcat.setPort(0);
        // The application's context, with the filter built in code.
        Context app = tomcat.addContext("", null);
        Tomcat.addServlet(app, "echo", new Echo());
        app.addServletMappingDecoded("/*", "echo");
        addFilter(app, new MeshAuthFilter(authenticator), Map.of());
        // A second context configured as from web.xml (init parameters), not optional.
        Context strict = tomcat.addContext("/strict", null);
        Tomcat.addServlet(strict, "echo", new Echo());
        strict.addServletMappingDecoded("/*", "echo");
        addFilter(strict, new MeshAuthFilter(), Map.of(
                "config", "{\"issuer\": \"" + dev.issuer() + "\", \"audience\": \"orders\", \"discovery\": true}",
                "paths", "{\"/reports/*\": {\"required_scopes\": [\"reports:read\"]}}"));
        tomcat.getConnector();
        tomcat.start();
        base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    static void addFilter(Context ctx, MeshAuthFilter filter, Map<String, String> params) {
        FilterDef def = new FilterDef();
        def.setFilterName("meshauth");
        def.setFilter(filter);
        def.setFilterClass(MeshAuthFilter.class.getName());
        params.forEach(def::addInitParameter);
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("meshauth");
        map.addURLPattern("/*");
        ctx.addFilterMap(map);
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        if (authenticator != null) authenticator.close();
        if (dev != null) dev.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(Map<String, ?> claims) throws IOException {
        return dev.mint(claims);
    }

    static void assertRefused(HttpResponse<String> r, int status, String code, String description, String challenge) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(challenge, r.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(List.of("no-store"), r.headers().allValues("Cache-Control"));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}", r.body());
    }

    @Test
    void aGoodTokenReachesTheApplicationWithItsPrincipal() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read"));
        HttpResponse<String> r = get("/hello", "Authorization", "Bearer " + t);
        assertEquals(200, r.statusCode());
        assertEquals("alice [orders:read] user=alice remote=alice auth=Bearer same=true", r.body());
    }

    @Test
    void optionalLetsARequestWithoutCredentialsThroughAnonymously() throws Exception {
        HttpResponse<String> r = get("/hello");
        assertEquals(200, r.statusCode());
        assertEquals("anonymous user=null", r.body());
    }

    @Test
    void aBadTokenIsRefusedEvenWhereAuthenticationIsOptional() throws Exception {
        int before = applicationCalls.get();
        long past = System.currentTimeMillis() / 1000 - 3600;
        String expired = token(Map.of("sub", "alice", "aud", "orders", "iat", past - 600, "exp", past));
        assertRefused(get("/hello", "Authorization", "Bearer " + expired), 401, "token_expired",
                "the access token expired",
                "Bearer error=\"invalid_token\", error_description=\"the access token expired\"");
        assertRefused(get("/hello", "Authorization", "Bearer " + token(Map.of("sub", "bob", "aud", "billing"))), 401,
                "invalid_audience", "the token is not meant for this service",
                "Bearer error=\"invalid_token\", error_description=\"the token is not meant for this service\"");
        assertEquals(before, applicationCalls.get(), "the application never ran");
    }

    @Test
    void aPathRuleRequiresAToken() throws Exception {
        assertRefused(get("/orders/17"), 401, "no_credentials", "no access token in the request", "Bearer");
        assertRefused(get("/orders"), 401, "no_credentials", "no access token in the request", "Bearer");
    }

    @Test
    void perPathScopesAreTheCoresDecisionWithItsChallenge() throws Exception {
        String reader = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read"));
        assertRefused(get("/orders/17", "Authorization", "Bearer " + reader), 403, "insufficient_scope",
                "the token lacks a required scope",
                "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"orders:write\"");
        String writer = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read orders:write"));
        HttpResponse<String> r = get("/orders/17", "Authorization", "Bearer " + writer);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("alice [orders:read, orders:write]"), r.body());
        // Outside the rule the application's policy applies: no scope needed.
        assertEquals(200, get("/ordersummary", "Authorization", "Bearer " + reader).statusCode());
    }

    @Test
    void perPathAllowedCallers() throws Exception {
        String orders = token(Map.of("sub", "orders", "client_id", "orders", "aud", "orders"));
        assertRefused(get("/admin/reindex", "Authorization", "Bearer " + orders), 403, "caller_not_allowed",
                "the calling client is not allowed", null);
        String billing = token(Map.of("sub", "billing", "client_id", "billing", "aud", "orders"));
        HttpResponse<String> r = get("/admin/reindex", "Authorization", "Bearer " + billing);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("billing "), r.body());
    }

    @Test
    void duplicateHeadersAndCookiesReachTheCore() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", "orders"));
        assertRefused(get("/hello", "Authorization", "Bearer " + t, "Authorization", "Bearer " + t), 400,
                "invalid_request", "malformed or ambiguous credentials in the request",
                "Bearer error=\"invalid_request\", error_description=\"malformed or ambiguous credentials in the request\"");
        // The configured cookie carries the token; twice (in two Cookie headers) it is ambiguous.
        HttpResponse<String> r = get("/hello", "Cookie", "theme=dark; access_token=" + t);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("alice "), r.body());
        assertEquals(400, get("/hello", "Cookie", "access_token=" + t, "Cookie", "access_token=" + t).statusCode());
        assertEquals(400, get("/hello", "Authorization", "Bearer " + t, "Cookie", "access_token=" + t).statusCode());
    }

    @Test
    void aFilterConfiguredByInitParametersIsNotOptional() throws Exception {
        assertRefused(get("/strict/hello"), 401, "no_credentials", "no access token in the request", "Bearer");
        String t = token(Map.of("sub", "carol", "aud", "orders", "scope", "reports:read"));
        HttpResponse<String> r = get("/strict/reports/q3", "Authorization", "Bearer " + t);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("carol [reports:read]"), r.body());
        assertEquals(403, get("/strict/reports/q3", "Authorization", "Bearer " + token(Map.of("sub", "dan", "aud", "orders")))
                .statusCode());
    }

    @Test
    void aMisspeltOptionInAPathRuleFailsAtInit() {
        MeshAuthFilter filter = new MeshAuthFilter();
        ServletException e = assertThrows(ServletException.class, () -> filter.init(new FilterConfig() {
            final Map<String, String> params = Map.of(
                    "config", "{\"issuer\": \"" + dev.issuer() + "\", \"audience\": \"orders\", \"discovery\": true}",
                    "paths", "{\"/admin/*\": {\"allowed_client\": [\"billing\"]}}");

            public String getFilterName() { return "meshauth"; }

            public ServletContext getServletContext() { return null; }

            public String getInitParameter(String name) { return params.get(name); }

            public Enumeration<String> getInitParameterNames() { return Collections.enumeration(params.keySet()); }
        }));
        assertTrue(e.getMessage().contains("invalid_config"), e.getMessage());
        assertTrue(e.getMessage().contains("allowed_client"), e.getMessage());
    }

    @Test
    void aFailureWithoutAnHttpStatusAnswers500() {
        HttpAnswer a = HttpAnswer.of(new IllegalStateException("the validator is closed"));
        assertEquals(500, a.status());
        assertNull(a.headers().get("WWW-Authenticate"));
        assertEquals("{\"error\":\"server_error\",\"error_description\":\"internal error\"}", a.body());
    }
}
