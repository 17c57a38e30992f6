package dev.meshauth.servlet;

import dev.meshauth.Json;
import dev.meshauth.MeshAuthException;
import dev.meshauth.Validator;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP answer to a refused request, exactly as every meshauth adapter answers (Python, Node, Go):
 * the core's status ({@code 500} for a failure that has none), its {@code WWW-Authenticate} value
 * when the code has one, {@code Cache-Control: no-store}, {@code Content-Type: application/json} and
 * the body {@code {"error": code, "error_description": <the catalogue's fixed description>}}.
 *
 * <p>Every value comes from the core: the status and challenge from the error object, the
 * description from the core's catalogue ({@link Validator#errorCodesJson()}). The error's message is
 * the operator's detail: it goes to the {@code dev.meshauth} logger, never to the caller. A failure
 * that is not a meshauth error answers 500 {@code server_error} / {@code internal error}.
 */
public final class HttpAnswer {
    private static final Logger LOG = Logger.getLogger("dev.meshauth");
    private static final String FALLBACK_DESCRIPTION = "authentication failed";
    private static volatile Map<String, String> descriptions;

    private final int status;
    private final Map<String, String> headers;
    private final String body;

    private HttpAnswer(int status, Map<String, String> headers, String body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(headers);
        this.body = body;
    }

    /** The answer to {@code failure} (a {@link MeshAuthException}, or anything else: 500). */
    public static HttpAnswer of(Throwable failure) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> body = new LinkedHashMap<>();
        int status = 500;
        if (failure instanceof MeshAuthException e) {
            LOG.log(Level.FINE, "meshauth refused a request: {0}", e.getMessage());
            if (e.status() != 0) status = e.status();
            if (e.wwwAuthenticate() != null) headers.put("WWW-Authenticate", e.wwwAuthenticate());
            body.put("error", e.code());
            body.put("error_description", description(e.code()));
        } else {
            LOG.log(Level.WARNING, "meshauth: authentication failed unexpectedly", failure);
            body.put("error", "server_error");
            body.put("error_description", "internal error");
        }
        headers.put("Cache-Control", "no-store");
        headers.put("Content-Type", "application/json");
        return new HttpAnswer(status, headers, Json.write(body));
    }

    /** The catalogue's fixed description of {@code code} (a code newer than the library: a generic text). */
    public static String description(String code) {
        Map<String, String> d = descriptions;
        if (d == null) {
            d = new HashMap<>();
            for (Object row : (List<?>) Json.parse(Validator.errorCodesJson())) {
                Map<?, ?> m = (Map<?, ?>) row;
                d.put((String) m.get("code"), (String) m.get("description"));
            }
            descriptions = d;
        }
        return d.getOrDefault(code, FALLBACK_DESCRIPTION);
    }

    /** HTTP status: 400, 401, 403, 503 from the catalogue; 500 for a failure without one. */
    public int status() {
        return status;
    }

    /** Response headers, in the order they are sent. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The JSON body text. */
    public String body() {
        return body;
    }

    /**
     * Write the whole answer (nothing when the response is committed already). Headers other
     * filters set before (CORS, security headers) stay; any buffered body is discarded.
     */
    public void write(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) return;
        response.resetBuffer();
        response.setStatus(status);
        headers.forEach(response::setHeader);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
