package dev.meshauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The token client against the development issuer (run as a subprocess by IssuerTest's helpers). */
class TokenClientTest {
    @BeforeAll
    static void start() throws Exception {
        IssuerTest.start();
    }

    @AfterAll
    static void stop() {
        IssuerTest.stop();
    }

    static TokenClient client(String id, String secret) {
        return new TokenClient(Map.of("issuer", IssuerTest.iss, "client_id", id, "client_secret", secret));
    }

    static Principal validate(String audience, String token) {
        try (Validator v = new Validator(Map.of("issuer", IssuerTest.iss, "audience", audience, "discovery", true))) {
            return v.validate(token);
        }
    }

    static void refused(String oauthError, Executable call) {
        MeshAuthException e = assertThrows(MeshAuthException.class, call);
        assertEquals("token_endpoint_error", e.code());
        assertEquals(ErrorCode.TOKEN_ENDPOINT_ERROR, e.errorCode());
        assertEquals(19, e.number());
        assertEquals(oauthError, e.oauthError());
        assertEquals(0, e.status());
        assertFalse(e.getMessage().contains("dev-secret") || e.getMessage().contains("wrong-secret"), e.getMessage());
    }

    @Test
    void clientCredentials() {
        TokenRequest req = TokenRequest.builder().audience("inventory").scope("inventory:read").build();
        try (TokenClient orders = client("orders", "orders-dev-secret")) {
            assertTrue(orders.clientCredentialsCached(req).isEmpty(), "nothing cached yet");
            AccessToken t = orders.clientCredentials(req);
            assertEquals("Bearer", t.tokenType());
            assertEquals("Bearer " + t.accessToken(), t.authorizationHeader());
            assertEquals("inventory:read", t.scope());
            assertNull(t.issuedTokenType());
            long now = System.currentTimeMillis() / 1000;
            assertTrue(t.expiresAt() > now && t.expiresAt() <= now + 3600, "expires_at " + t.expiresAt());
            assertFalse(t.toString().contains(t.accessToken()), "toString shows the credential");
            assertEquals(t.accessToken(), orders.clientCredentialsCached(req).orElseThrow().accessToken());

            Principal p = validate("inventory", t.accessToken());
            assertTrue(p.isClient());
            assertEquals("orders", p.clientId());
            assertEquals(List.of("inventory"), p.audiences());
            assertEquals(t.authorizationHeader(), p.authorizationHeader());
            // Defaults: every audience orders registered for.
            assertEquals(List.of("inventory", "billing"), validate("billing", orders.clientCredentials().accessToken()).audiences());
        }
    }

    @Test
    void privateKeyJwt() throws Exception {
        String pem = Files.readString(Path.of("../../issuer/dev-keys/signed-client.pem"));
        try (TokenClient c = new TokenClient(Map.of("issuer", IssuerTest.iss, "client_id", "signed-client",
                "private_key_pem", pem))) {
            assertEquals("signed-client", validate("inventory", c.clientCredentials().accessToken()).clientId());
        }
    }

    @Test
    void jwtBearerAndTokenExchange() throws Exception {
        String user = IssuerTest.mint(Map.of("claims", Map.of("sub", "alice", "aud", List.of("orders", "inventory"))));
        TokenRequest req = TokenRequest.builder().audience("partner-api").scope("partner:orders:read").build();
        try (TokenClient orders = client("orders", "orders-dev-secret")) {
            AccessToken bearer = orders.jwtBearer(user, req);
            AccessToken exchanged = orders.tokenExchange(user, req);
            AccessToken withClientToken = orders.jwtBearer(user, TokenRequest.builder().useClientToken(true).build());
            assertEquals("urn:ietf:params:oauth:token-type:access_token", exchanged.issuedTokenType());
            for (AccessToken t : List.of(bearer, exchanged, withClientToken)) {
                Principal p = validate("partner-api", t.accessToken());
                assertEquals("alice", p.subject());
                assertEquals(List.of("partner-api"), p.audiences());
                assertFalse(p.isClient());
                MeshAuthException e = assertThrows(MeshAuthException.class, () -> validate("inventory", t.accessToken()));
                assertEquals(ErrorCode.INVALID_AUDIENCE, e.errorCode());
            }
        }
    }

    @Test
    void refusals() throws Exception {
        try (TokenClient wrong = client("orders", "wrong-secret"); TokenClient nobody = client("nobody", "x");
                TokenClient orders = client("orders", "orders-dev-secret")) {
            refused("invalid_client", wrong::clientCredentials);
            refused("invalid_client", nobody::clientCredentials);
            refused("invalid_target", () -> orders.clientCredentials(TokenRequest.builder().audience("partner-api").build()));
            String expired = IssuerTest.mint(Map.of("claims", Map.of("sub", "alice", "aud", "orders", "exp", 1700000000)));
            refused("invalid_grant", () -> orders.jwtBearer(expired, TokenRequest.builder().audience("partner-api").build()));
            String user = IssuerTest.mint(Map.of("claims", Map.of("sub", "alice", "aud", "orders")));
            refused("invalid_target", () -> orders.tokenExchange(user, TokenRequest.builder().audience("inventory").build()));
            // Refused by the core before any network I/O.
            MeshAuthException e = assertThrows(MeshAuthException.class,
                    () -> orders.clientCredentials(TokenRequest.builder().actorToken("x", null).build()));
            assertEquals(ErrorCode.INVALID_CONFIG, e.errorCode());
        }
    }

    @Test
    void issuerDown() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (TokenClient c = new TokenClient(Map.of("token_endpoint", "http://127.0.0.1:" + port + "/token",
                "client_id", "orders", "client_secret", "x", "http_timeout_ms", 1000))) {
            refused(null, c::clientCredentials);
        }
    }

    @Test
    void configurationAndClose() {
        MeshAuthException e = assertThrows(MeshAuthException.class,
                () -> new TokenClient(Map.of("token_endpoint", "http://127.0.0.1:9/token", "client_id", "a")));
        assertEquals(ErrorCode.INVALID_CONFIG, e.errorCode());
        TokenClient c = new TokenClient(Map.of("token_endpoint", "http://127.0.0.1:9/token", "client_id", "a",
                "client_secret", "s", "http_timeout_ms", 1000));
        refused(null, c::clientCredentials); // nothing listens: no OAuth error
        c.close();
        c.close();
        assertEquals(ErrorCode.NULL_ARGUMENT, assertThrows(MeshAuthException.class, c::clientCredentials).errorCode());
    }
}
