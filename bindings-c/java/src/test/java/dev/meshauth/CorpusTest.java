package dev.meshauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every case of testdata/corpus.json through the Java API. */
class CorpusTest {
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        String path = System.getProperty("meshauth.corpus", "../../testdata/corpus.json");
        Map<String, Object> corpus = (Map<String, Object>) Json.parse(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        assertEquals(BigInteger.ONE, corpus.get("format"));
        List<Map<String, Object>> cases = (List<Map<String, Object>>) corpus.get("cases");
        assertTrue(cases.size() > 0, "the corpus has cases");
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : cases()) {
            tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> run(c)));
        }
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    static void run(Map<String, Object> c) {
        Map<String, Object> expect = (Map<String, Object>) c.get("expect");
        String config = Json.write(c.get("config"));
        if ("invalid_config".equals(expect.get("code"))) {
            MeshAuthException e = assertThrows(MeshAuthException.class, () -> new Validator(config));
            checkError(e, expect);
            return;
        }
        long now = ((Number) c.get("now")).longValue();
        try (Validator v = new Validator(config)) {
            if (c.containsKey("token")) {
                check(() -> v.validateAt((String) c.get("token"), now), expect);
            } else {
                Map<String, Object> request = (Map<String, Object>) c.get("request");
                assertNotNull(request, "case has a token or a request");
                check(() -> v.authenticateJson(Json.write(request), now), expect);
            }
        }
    }

    interface Outcome {
        Principal get();
    }

    @SuppressWarnings("unchecked")
    static void check(Outcome outcome, Map<String, Object> expect) {
        if (!Boolean.TRUE.equals(expect.get("ok"))) {
            checkError(assertThrows(MeshAuthException.class, outcome::get), expect);
            return;
        }
        Principal p = outcome.get();
        Map<String, Object> got = (Map<String, Object>) Json.parse(p.toJson());
        Map<String, Object> want = (Map<String, Object>) expect.get("principal");
        for (Map.Entry<String, Object> e : want.entrySet()) {
            assertTrue(Json.equal(e.getValue(), got.get(e.getKey())),
                    "principal " + e.getKey() + " = " + got.get(e.getKey()) + ", want " + e.getValue());
        }
        if (expect.containsKey("claims")) {
            assertTrue(Json.equal(expect.get("claims"), p.claims()), "claims " + p.claimsJson());
        }
        // Typed accessors agree with the JSON form.
        assertEquals(got.get("subject"), p.subject());
        assertEquals(got.get("issuer"), p.issuer());
        assertEquals(got.get("client_id"), p.clientId());
        assertEquals(got.get("jwt_id"), p.jwtId());
        assertEquals(got.get("token"), p.token());
        assertEquals(got.get("is_client"), p.isClient());
        assertEquals(((Number) got.get("expires_at")).longValue(), p.expiresAt());
        assertEquals(got.get("scopes"), p.scopes());
        assertEquals(got.get("audiences"), p.audiences());
        assertEquals(got.get("roles"), p.roles());
        for (String s : p.scopes()) assertTrue(p.hasScope(s));
        // requireScopes (the core's decision): its own scopes pass; one more is insufficient_scope
        // listing them all.
        p.requireScopes(p.scopes().toArray(new String[0]));
        List<String> required = new ArrayList<>(p.scopes());
        required.add("corpus:absent");
        PrincipalTest.assertInsufficient(
                assertThrows(MeshAuthException.class, () -> p.requireScopes(required.toArray(new String[0]))),
                String.join(" ", required));
    }

    static void checkError(MeshAuthException e, Map<String, Object> expect) {
        assertEquals(expect.get("code"), e.code(), e.getMessage());
        assertEquals(ErrorCode.fromCode(e.code()).number(), e.number());
        if (expect.containsKey("status")) {
            Object status = expect.get("status");
            assertEquals(status == null ? 0 : ((Number) status).intValue(), e.status());
        }
        if (expect.containsKey("www_authenticate")) {
            assertEquals(expect.get("www_authenticate"), e.wwwAuthenticate());
        }
    }
}
