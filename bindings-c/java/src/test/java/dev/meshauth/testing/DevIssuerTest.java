package dev.meshauth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.Validator;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The development issuer helper: what the README's Java quick start relies on. */
class DevIssuerTest {
    @Test
    void tokensItMintsValidateAndAnotherAudienceIsRefused() throws Exception {
        String bin = System.getenv("MESHAUTH_ISSUER_BIN");
        Assumptions.assumeTrue(bin != null && !bin.isEmpty(), "MESHAUTH_ISSUER_BIN is not set (make test-java sets it)");
        try (DevIssuer dev = DevIssuer.start();
                Validator v = new Validator(Map.of("issuer", dev.issuer(), "audience", "orders", "discovery", true))) {
            assertTrue(dev.url().startsWith("http://127.0.0.1:"), dev.url());
            Principal p = v.validate(dev.mint(Map.of("sub", "alice", "aud", "orders")));
            assertEquals("alice", p.subject());
            MeshAuthException e = assertThrows(MeshAuthException.class,
                    () -> v.validate(dev.mint(Map.of("sub", "bob", "aud", "billing"))));
            assertEquals("invalid_audience", e.code());
            assertEquals(401, e.status());
        }
    }

    @Test
    void aMissingOverrideIsNamed() {
        System.setProperty("meshauth.issuer.bin", "/nonexistent/meshauth-issuer");
        try {
            IOException e = assertThrows(IOException.class, DevIssuer::issuerBinary);
            assertTrue(e.getMessage().contains("/nonexistent/meshauth-issuer does not exist"), e.getMessage());
        } finally {
            System.clearProperty("meshauth.issuer.bin");
        }
    }
}
