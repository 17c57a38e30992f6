package dev.meshauth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Principal methods that call the core. The corpus and dev-issuer suites run them on validated tokens. */
class PrincipalTest {
    static final String PREFIX = "Bearer error=\"insufficient_scope\", error_description=\"";

    /** A Principal as the library's JSON describes it (made up: no token is validated here). */
    static Principal principal(String scopesJson) {
        String claims = "{\"sub\":\"alice\",\"id\":123456789012345678901234567890}";
        return new Principal("{\"subject\":\"alice\",\"issuer\":\"https://issuer.example\",\"audiences\":[\"orders\"],"
                + "\"expires_at\":4102444800,\"issued_at\":null,\"not_before\":null,\"jwt_id\":null,\"client_id\":\"web\","
                + "\"scopes\":" + scopesJson + ",\"roles\":[],\"is_client\":false,\"claims\":" + claims
                + ",\"token\":\"a.b.c\"}", claims);
    }

    /** The core's insufficient_scope answer, its challenge listing {@code scopes}. */
    static void assertInsufficient(MeshAuthException e, String scopes) {
        assertEquals("insufficient_scope", e.code());
        assertEquals(ErrorCode.INSUFFICIENT_SCOPE, e.errorCode());
        assertEquals(16, e.number());
        assertEquals(403, e.status());
        String www = e.wwwAuthenticate();
        assertTrue(www != null && www.startsWith(PREFIX) && www.endsWith(", scope=\"" + scopes + "\""),
                "WWW-Authenticate " + www + ", want it to list " + scopes);
        assertTrue(e.getMessage().contains("missing scope(s): "), e.getMessage());
    }

    @Test
    void requireScopesPassesWhenEveryScopeIsCarried() {
        Principal p = principal("[\"orders:read\",\"orders:write\"]");
        assertDoesNotThrow(() -> p.requireScopes());
        assertDoesNotThrow(() -> p.requireScopes((String[]) null));
        assertDoesNotThrow(() -> p.requireScopes("orders:read"));
        assertDoesNotThrow(() -> p.requireScopes("orders:write", "orders:read"));
    }

    @Test
    void requireScopesThrowsInsufficientScopeListingEveryRequiredScope() {
        Principal p = principal("[\"orders:read\",\"orders:write\"]");
        assertInsufficient(assertThrows(MeshAuthException.class, () -> p.requireScopes("orders:admin")), "orders:admin");
        assertInsufficient(assertThrows(MeshAuthException.class,
                () -> p.requireScopes("orders:read", "orders:admin", "billing:read")), "orders:read orders:admin billing:read");
        assertInsufficient(assertThrows(MeshAuthException.class, () -> principal("[]").requireScopes("a")), "a");
    }

    @Test
    void aNullScopeIsInvalidConfig() {
        MeshAuthException e = assertThrows(MeshAuthException.class,
                () -> principal("[\"a\"]").requireScopes("a", null));
        assertEquals(ErrorCode.INVALID_CONFIG, e.errorCode());
        assertEquals(0, e.status());
    }

    @Test
    void requireClientsIsTheAllowedClientsDecision() {
        Principal p = principal("[]");
        assertDoesNotThrow(() -> p.requireClients("checkout", "web"));
        MeshAuthException e = assertThrows(MeshAuthException.class, () -> p.requireClients("checkout", "admin-ui"));
        assertEquals(ErrorCode.CALLER_NOT_ALLOWED, e.errorCode());
        assertEquals(403, e.status());
        assertEquals(null, e.wwwAuthenticate());
        assertTrue(e.getMessage().contains("client \"web\""), e.getMessage());
        assertEquals(ErrorCode.CALLER_NOT_ALLOWED,
                assertThrows(MeshAuthException.class, () -> p.requireClients()).errorCode());
        assertEquals(ErrorCode.INVALID_CONFIG,
                assertThrows(MeshAuthException.class, () -> p.requireClients("web", null)).errorCode());
    }
}
