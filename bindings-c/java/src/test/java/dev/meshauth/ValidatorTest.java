package dev.meshauth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatorTest {
    static final String PEM = "-----BEGIN PUBLIC KEY-----\n"
            + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWN27W14UdHaHBS6vspJWS6HiIsQA\n"
            + "H42aKAsvzLj4ETsjhvw0B/PErnKWFfkDjYjE8ulmXJPzzlNqsWRiidHjHA==\n-----END PUBLIC KEY-----\n";
    static final Map<String, Object> CONFIG = Map.of("issuer", "https://issuer.example", "audience", "orders", "pem", PEM);

    @Test
    void version() {
        assertTrue(Validator.version().matches("\\d+\\.\\d+\\.\\d+.*"), Validator.version());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCatalogueCodeIsMapped() {
        List<Map<String, Object>> codes = (List<Map<String, Object>>) Json.parse(Validator.errorCodesJson());
        assertEquals(20, codes.size());
        for (Map<String, Object> row : codes) {
            ErrorCode c = ErrorCode.fromCode((String) row.get("code"));
            assertTrue(c != ErrorCode.UNKNOWN, "unmapped code " + row.get("code"));
            assertEquals(((BigInteger) row.get("number")).intValue(), c.number());
        }
    }

    @Test
    void invalidConfiguration() {
        for (String cfg : List.of("", "{", "[]", "{\"issuer\":\"https://i.example\",\"audience\":\"a\",\"pem\":\"x\",\"nope\":1}")) {
            MeshAuthException e = assertThrows(MeshAuthException.class, () -> new Validator(cfg));
            assertEquals("invalid_config", e.code());
            assertEquals(ErrorCode.INVALID_CONFIG, e.errorCode());
            assertEquals(20, e.number());
            assertEquals(0, e.status());
            assertNull(e.wwwAuthenticate());
        }
    }

    @Test
    void failuresCarryStatusAndChallenge() {
        try (Validator v = new Validator(CONFIG)) {
            MeshAuthException none = assertThrows(MeshAuthException.class, () -> v.authenticate(null, null));
            assertEquals(ErrorCode.NO_CREDENTIALS, none.errorCode());
            assertEquals(401, none.status());
            assertEquals("Bearer", none.wwwAuthenticate());

            MeshAuthException bad = assertThrows(MeshAuthException.class, () -> v.authenticate("Bearer", null));
            assertEquals(ErrorCode.INVALID_REQUEST, bad.errorCode());
            assertEquals(400, bad.status());

            MeshAuthException malformed = assertThrows(MeshAuthException.class, () -> v.validate("not-a-jwt"));
            assertEquals("malformed_token", malformed.code());
            assertTrue(malformed.wwwAuthenticate().startsWith("Bearer error=\"invalid_token\""));

            MeshAuthException both = assertThrows(MeshAuthException.class, () -> v.authenticate(
                    List.of(Map.entry("Authorization", "Bearer a.b.c"), Map.entry("authorization", "Bearer a.b.c")), null, 0));
            assertEquals(ErrorCode.INVALID_REQUEST, both.errorCode());
            assertDoesNotThrow(v::refresh);
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        Validator v = new Validator(CONFIG);
        v.close();
        v.close();
        MeshAuthException e = assertThrows(MeshAuthException.class, () -> v.validate("a.b.c"));
        assertEquals(ErrorCode.NULL_ARGUMENT, e.errorCode());
        assertEquals(1000, e.number());
        assertEquals(0, e.status());
    }

    @Test
    void sharedBetweenThreadsAndClosedUnderLoad() throws Exception {
        Validator v = new Validator(CONFIG);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(pool.submit(() -> {
                int nullArguments = 0;
                for (int i = 0; i < 200; i++) {
                    try {
                        v.authenticate("Bearer a.b.c", null);
                        throw new AssertionError("a garbage token was accepted");
                    } catch (MeshAuthException e) {
                        // Before close: the core's answer; after close: null_argument, never a crash.
                        if (e.errorCode() == ErrorCode.NULL_ARGUMENT) nullArguments++;
                        else assertEquals(401, e.status());
                    }
                }
                return nullArguments;
            }));
        }
        Thread.sleep(5);
        v.close();
        for (java.util.concurrent.Future<Integer> f : results) f.get();
        pool.shutdown();
        assertEquals(ErrorCode.NULL_ARGUMENT,
                assertThrows(MeshAuthException.class, () -> v.validate("a.b.c")).errorCode());
    }

    @Test
    void json() {
        Object v = Json.parse("{\"a\":[1,2.5,\"x\\u00e9\\n\",true,null],\"big\":12345678901234567890123}");
        assertEquals(new BigInteger("12345678901234567890123"), ((Map<?, ?>) v).get("big"));
        assertTrue(Json.equal(v, Json.parse(Json.write(v))));
    }
}
