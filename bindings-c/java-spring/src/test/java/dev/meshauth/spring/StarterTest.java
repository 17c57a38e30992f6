package dev.meshauth.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.sun.net.httpserver.HttpServer;
import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.Validator;
import dev.meshauth.testing.DevIssuer;
import com.example.orders.OrdersApp;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;

/**
 * The starter in a Spring Boot application written with standard Spring Security idioms, through
 * MockMvc, against the development issuer; outgoing calls reach an "inventory" service started by
 * the test, which checks the token it receives with meshauth.
 */
@SpringBootTest(classes = OrdersApp.class)
@AutoConfigureMockMvc
class StarterTest {
    static DevIssuer dev;
    static HttpServer inventory;
    static Validator inventoryValidator;
    static final List<String> inventorySaw = new CopyOnWriteArrayList<>();

    @Autowired
    MockMvc mvc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        dev = DevIssuer.start();
        inventoryValidator = new Validator(Map.of("issuer", dev.issuer(), "audience", "inventory", "discovery", true));
        inventory = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        inventory.createContext("/items", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            inventorySaw.add(String.valueOf(authorization));
            String answer;
            int status = 200;
            try {
                Principal p = inventoryValidator.authenticate(authorization, null);
                answer = "inventory serves " + p.getName() + " " + p.audiences() + " " + p.scopes();
            } catch (MeshAuthException e) {
                status = e.status();
                answer = e.code();
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        inventory.start();
        registry.add("meshauth.validator.issuer", dev::issuer);
        registry.add("meshauth.token-client.issuer", dev::issuer);
        registry.add("inventory.url", () -> "http://127.0.0.1:" + inventory.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        if (inventory != null) inventory.stop(0);
        if (inventoryValidator != null) inventoryValidator.close();
        if (dev != null) dev.close();
    }

    static String token(Map<String, ?> claims) throws Exception {
        return dev.mint(claims);
    }

    MockHttpServletResponse send(RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    static void assertRefused(MockHttpServletResponse r, int status, String code, String description, String challenge)
            throws Exception {
        assertEquals(status, r.getStatus(), r.getContentAsString());
        assertEquals(challenge, r.getHeader("WWW-Authenticate"));
        assertEquals("no-store", r.getHeader("Cache-Control"));
        assertEquals("application/json", r.getContentType());
        assertEquals("{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}", r.getContentAsString());
    }

    @Test
    void aGoodTokenGivesTheMeshauthPrincipalAndScopeAuthorities() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read orders:write"));
        MockHttpServletResponse r = send(get("/orders").header("Authorization", "Bearer " + t));
        assertEquals(200, r.getStatus());
        assertEquals("orders of alice [orders:read, orders:write]", r.getContentAsString());
        // @PreAuthorize("hasAuthority('SCOPE_orders:write')") on a POST (no CSRF token: a Bearer request).
        r = send(post("/orders").header("Authorization", "Bearer " + t));
        assertEquals(200, r.getStatus(), r.getContentAsString());
        assertEquals("created by alice", r.getContentAsString());
    }

    @Test
    void anExpiredTokenKeepsMeshauthsCodeAndChallenge() throws Exception {
        long past = System.currentTimeMillis() / 1000 - 3600;
        String t = token(Map.of("sub", "alice", "aud", "orders", "iat", past - 600, "exp", past));
        assertRefused(send(get("/orders").header("Authorization", "Bearer " + t)), 401, "token_expired",
                "the access token expired", "Bearer error=\"invalid_token\", error_description=\"the access token expired\"");
        // Even on a permitAll() route a bad token is refused, not taken as anonymous.
        assertRefused(send(get("/public").header("Authorization", "Bearer " + t)), 401, "token_expired",
                "the access token expired", "Bearer error=\"invalid_token\", error_description=\"the access token expired\"");
    }

    @Test
    void withoutATokenAuthorizationDecidesAndTheAnswerIsTheCores() throws Exception {
        assertRefused(send(get("/orders")), 401, "no_credentials", "no access token in the request", "Bearer");
        MockHttpServletResponse open = send(get("/public"));
        assertEquals(200, open.getStatus());
        assertEquals("public", open.getContentAsString());
        String t = token(Map.of("sub", "alice", "aud", "orders"));
        assertRefused(send(get("/orders").header("Authorization", "Bearer " + t).header("Authorization", "Bearer " + t)),
                400, "invalid_request", "malformed or ambiguous credentials in the request",
                "Bearer error=\"invalid_request\", error_description=\"malformed or ambiguous credentials in the request\"");
    }

    @Test
    void aMissingScopeIsTheCoresInsufficientScopeWithTheScopeSpringAskedFor() throws Exception {
        String reader = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read"));
        // @PreAuthorize
        assertRefused(send(post("/orders").header("Authorization", "Bearer " + reader)), 403, "insufficient_scope",
                "the token lacks a required scope",
                "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"orders:write\"");
        // authorizeHttpRequests(...hasAuthority("SCOPE_orders:admin"))
        assertRefused(send(delete("/orders/17").header("Authorization", "Bearer " + reader)), 403, "insufficient_scope",
                "the token lacks a required scope",
                "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"orders:admin\"");
        String admin = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:admin"));
        assertEquals("deleted 17", send(delete("/orders/17").header("Authorization", "Bearer " + admin)).getContentAsString());
    }

    @Test
    void aCallerNotAllowedOnAPathIsRefused() throws Exception {
        String orders = token(Map.of("sub", "orders", "client_id", "orders", "aud", "orders"));
        assertRefused(send(get("/admin/reindex").header("Authorization", "Bearer " + orders)), 403, "caller_not_allowed",
                "the calling client is not allowed", null);
        String billing = token(Map.of("sub", "billing", "client_id", "billing", "aud", "orders"));
        MockHttpServletResponse r = send(get("/admin/reindex").header("Authorization", "Bearer " + billing));
        assertEquals(200, r.getStatus());
        assertEquals("reindexed for billing", r.getContentAsString());
        // The rule's path always needs a token, though elsewhere anonymous requests reach authorization.
        assertRefused(send(get("/admin/reindex")), 401, "no_credentials", "no access token in the request", "Bearer");
    }

    @Test
    void anOutgoingCallCarriesTheServicesOwnToken() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read"));
        int before = inventorySaw.size();
        MockHttpServletResponse r = send(get("/orders/stock").header("Authorization", "Bearer " + t));
        assertEquals(200, r.getStatus(), r.getContentAsString());
        // The token the dev issuer gave "orders" for inventory (client credentials), checked by inventory.
        assertEquals("inventory serves orders [inventory] [inventory:read]", r.getContentAsString());
        assertEquals(before + 1, inventorySaw.size());
        // A second call reuses the cached token.
        send(get("/orders/stock").header("Authorization", "Bearer " + t));
        assertEquals(inventorySaw.get(before), inventorySaw.get(before + 1));
    }

    @Test
    void aFirstPartyCallForwardsTheCallersToken() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", List.of("orders", "inventory"), "scope", "orders:read"));
        int before = inventorySaw.size();
        MockHttpServletResponse r = send(get("/orders/forwarded").header("Authorization", "Bearer " + t));
        assertEquals(200, r.getStatus(), r.getContentAsString());
        assertEquals("Bearer " + t, inventorySaw.get(before));
        assertEquals("inventory serves alice [orders, inventory] [orders:read]", r.getContentAsString());
    }

    @Test
    void webClientFiltersAddTheServicesTokenOrForwardTheCallers() throws Exception {
        String t = token(Map.of("sub", "alice", "aud", List.of("orders", "inventory"), "scope", "orders:read"));
        int before = inventorySaw.size();
        MockHttpServletResponse own = send(get("/orders/stock-reactive").header("Authorization", "Bearer " + t));
        assertEquals(200, own.getStatus(), own.getContentAsString());
        assertEquals("inventory serves orders [inventory] [inventory:read]", own.getContentAsString());
        MockHttpServletResponse forwarded = send(get("/orders/forwarded-reactive").header("Authorization", "Bearer " + t));
        assertEquals(200, forwarded.getStatus(), forwarded.getContentAsString());
        assertEquals("Bearer " + t, inventorySaw.get(before + 1));
        assertEquals(before + 2, inventorySaw.size());
    }

    static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }

    @Test
    void aMisspeltOptionFailsStartupWithInvalidConfig() {
        StandardEnvironment env = environment(Map.of("meshauth.validator.issuer", dev.issuer(),
                "meshauth.validator.audiance", "orders", "meshauth.validator.discovery", "true"));
        MeshAuthException e = assertThrows(MeshAuthException.class,
                () -> new MeshAuthAutoConfiguration().meshauthRequestAuthenticator(env));
        assertEquals("invalid_config", e.code());
        assertTrue(e.getMessage().contains("audiance"), e.getMessage());
    }

    @Test
    void yamlListsAndDashedNamesReachTheCoreAsItsOptions() {
        StandardEnvironment env = environment(Map.of("meshauth.validator.issuer", dev.issuer(),
                "meshauth.validator.audience[0]", "orders", "meshauth.validator.audience[1]", "billing",
                "meshauth.validator.allowed-clients[0]", "billing", "meshauth.validator.leeway_s", "30"));
        assertEquals(Map.of("issuer", dev.issuer(), "audience", List.of("orders", "billing"),
                "allowed_clients", List.of("billing"), "leeway_s", 30L), MeshAuthProperties.object(env, "meshauth.validator"));
    }

    @Test
    void withoutMeshauthConfigurationTheStarterAddsNothing() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext()) {
            ctx.setEnvironment(environment(Map.of()));
            ctx.register(MeshAuthAutoConfiguration.class);
            ctx.refresh();
            assertTrue(ctx.getBeansOfType(Validator.class).isEmpty());
            assertTrue(ctx.getBeansOfType(dev.meshauth.TokenClient.class).isEmpty());
        }
        assertThrows(IllegalStateException.class, MeshAuthInterceptors::caller);
    }
}
