package dev.meshauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Remote keys (discovery, rotation) from the development issuer, run as a subprocess. */
class IssuerTest {
    static Process issuer;
    static String base;
    static String iss;
    // HTTP/1.1: the default client would offer an h2c upgrade, which the issuer's HTTP server
    // (tiny_http) leaves unanswered on a POST.
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        String bin = System.getenv("MESHAUTH_ISSUER_BIN");
        if (bin == null || bin.isEmpty()) {
            Path p = Path.of("../../target/debug/meshauth-issuer").toAbsolutePath().normalize();
            Assumptions.assumeTrue(Files.isExecutable(p), "no development issuer at " + p);
            bin = p.toString();
        }
        issuer = new ProcessBuilder(bin, "--port", "0", "--dev-endpoints").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(issuer.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        String prefix = "meshauth-issuer listening on ";
        assertTrue(line != null && line.startsWith(prefix), "issuer said " + line);
        base = line.substring(prefix.length());
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) Json.parse(get("/.well-known/openid-configuration"));
        iss = (String) meta.get("issuer");
    }

    @AfterAll
    static void stop() {
        if (issuer != null) issuer.destroyForcibly();
    }

    static String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    static String post(String path, Object body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @SuppressWarnings("unchecked")
    static String mint(Map<String, Object> request) throws Exception {
        return (String) ((Map<String, Object>) Json.parse(post("/dev/mint", request))).get("token");
    }

    @Test
    void discoveryRotationAndErrors() throws Exception {
        Map<String, Object> user = Map.of("sub", "alice", "aud", "orders", "scope", "orders:read");
        try (Validator v = new Validator(Map.of("issuer", iss, "audience", "orders", "discovery", true,
                "jwks_refresh_cooldown_s", 0))) {
            v.refresh();
            for (String alg : new String[] {"RS256", "ES256", "EdDSA"}) {
                Principal p = v.validate(mint(Map.of("claims", user, "alg", alg)));
                assertEquals("alice", p.subject());
                assertEquals(iss, p.issuer());
                assertTrue(p.hasScope("orders:read"));
                p.requireScopes("orders:read");
                PrincipalTest.assertInsufficient(assertThrows(MeshAuthException.class,
                        () -> p.requireScopes("orders:read", "orders:write")), "orders:read orders:write");
            }
            MeshAuthException forged = assertThrows(MeshAuthException.class,
                    () -> v.validate(mint(Map.of("claims", user, "tamper", "signature"))));
            assertEquals(ErrorCode.INVALID_SIGNATURE, forged.errorCode());
            post("/dev/rotate", Map.of());
            assertEquals("alice", v.authenticate("Bearer " + mint(Map.of("claims", user, "alg", "ES256")), null).subject());
        }
    }

    @Test
    void unreachableKeySource() {
        try (Validator v = new Validator(Map.of("issuer", "https://issuer.example", "audience", "orders",
                "jwks_url", "http://127.0.0.1:9/jwks", "http_timeout_ms", 2000))) {
            MeshAuthException e = assertThrows(MeshAuthException.class, v::refresh);
            assertEquals(ErrorCode.KEY_SOURCE_UNAVAILABLE, e.errorCode());
            assertEquals(503, e.status());
        }
    }
}
