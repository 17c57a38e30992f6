package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.Validator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A tiny orders service: each request is authenticated by meshauth before the handler runs.
 *
 * <pre>
 *   MESHAUTH_ISSUER=http://127.0.0.1:8400 mvn -q exec:java          # serve on 127.0.0.1:8082
 *   mvn -q exec:java -Dexec.args=--check                              # offline self-check
 * </pre>
 */
public final class OrdersService {
    // Offline self-check: an inline JWKS, a token signed by its key, and a fixed clock.
    static final Map<String, Object> CHECK_CONFIG = Map.of(
            "issuer", "https://issuer.example", "audience", "orders", "token_type", "at+jwt",
            "jwks", Map.of("keys", List.of(Map.of("kty", "EC", "crv", "P-256", "kid", "example-1", "use", "sig",
                    "alg", "ES256", "x", "uqAtXnuNudmbx-wRvg8oWw64gEtnH6lQoWbelVQZFAg",
                    "y", "jsmKc5Mbsqs5aBFQnZv_UgYZdQgvZWyFOam-s5Bh0V4"))));
    static final String CHECK_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImV4YW1wbGUtMSJ9."
            + "eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoib3JkZXJzIiwic3ViIjoiYWxpY2UiLCJjbGllbnRfaWQiOiJ3ZWIt"
            + "YXBwIiwic2NvcGUiOiJvcmRlcnM6cmVhZCBvcmRlcnM6d3JpdGUiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0."
            + "dAwmRXgLzAn-k7GIytUPva9mGOsBsZwd7pcbyrNl4ItwXL-svLxnQ6-0pL4IG1f2KpmdJjhvfi1WQGWy0GAMnw";
    static final long CHECK_NOW = 1767225600L;

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--check")) {
            System.exit(check() ? 0 : 1);
        }
        String issuer = System.getenv().getOrDefault("MESHAUTH_ISSUER", "http://127.0.0.1:8400");
        Validator validator = new Validator(Map.of("issuer", issuer, "audience", "orders", "discovery", true));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8082), 0);
        server.createContext("/orders", exchange -> {
            try {
                Principal p = validator.authenticate(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Cookie"));
                send(exchange, 200, "{\"caller\":\"" + p.subject() + "\",\"orders\":[\"o-1\",\"o-2\"]}");
            } catch (MeshAuthException e) {
                if (e.wwwAuthenticate() != null) exchange.getResponseHeaders().set("WWW-Authenticate", e.wwwAuthenticate());
                send(exchange, e.status() != 0 ? e.status() : 500, "{\"error\":\"" + e.code() + "\"}");
            }
        });
        server.start();
        System.out.println("orders service (meshauth " + Validator.version() + ") on http://127.0.0.1:8082");
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, b.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(b);
        }
    }

    static boolean check() {
        try (Validator v = new Validator(CHECK_CONFIG)) {
            Principal p = v.authenticateAt("Bearer " + CHECK_TOKEN, null, CHECK_NOW);
            System.out.println("200 " + p + " orders:write=" + p.hasScope("orders:write"));
            try {
                v.authenticateAt(null, null, CHECK_NOW);
                return false;
            } catch (MeshAuthException e) {
                System.out.println(e.status() + " " + e.code() + " WWW-Authenticate: " + e.wwwAuthenticate());
                return e.status() == 401 && "alice".equals(p.subject());
            }
        }
    }
}
