package dev.meshauth;

import java.util.Map;

/**
 * Every meshauth failure: a stable code, its number, a message (never containing the token), the
 * HTTP status a resource server answers with and the exact {@code WWW-Authenticate} value.
 */
public class MeshAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final int number;
    private final int status;
    private final String wwwAuthenticate;
    private final String oauthError;

    public MeshAuthException(String code, int number, String message, int status, String wwwAuthenticate,
            String oauthError) {
        super(code + ": " + message);
        this.code = code;
        this.number = number;
        this.status = status;
        this.wwwAuthenticate = wwwAuthenticate;
        this.oauthError = oauthError;
    }

    /** Build from the core's error JSON object. */
    static MeshAuthException fromJson(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(json);
        Object status = m.get("status");
        return new MeshAuthException((String) m.get("code"), ((Number) m.get("number")).intValue(),
                (String) m.get("message"), status == null ? 0 : ((Number) status).intValue(),
                (String) m.get("www_authenticate"), (String) m.get("oauth_error"));
    }

    /** The stable snake_case code, e.g. {@code "token_expired"}. */
    public String code() {
        return code;
    }

    /** The code as a constant ({@link ErrorCode#UNKNOWN} if newer than this binding). */
    public ErrorCode errorCode() {
        return ErrorCode.fromCode(code);
    }

    /** The code's stable number. */
    public int number() {
        return number;
    }

    /** The HTTP status to answer with (400, 401, 403, 503), or 0 when none applies. */
    public int status() {
        return status;
    }

    /** The exact {@code WWW-Authenticate} header value, or null when none is sent. */
    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }

    /** For {@code token_endpoint_error}: the authorization server's OAuth {@code error}; else null. */
    public String oauthError() {
        return oauthError;
    }
}
