package dev.meshauth;

/**
 * Every code of meshauth's error catalogue, with its stable number, plus the
 * failures of the binding boundary itself (numbers 1000+).
 */
public enum ErrorCode {
    NO_CREDENTIALS("no_credentials", 1),
    INVALID_REQUEST("invalid_request", 2),
    TOKEN_TOO_LARGE("token_too_large", 3),
    MALFORMED_TOKEN("malformed_token", 4),
    UNSUPPORTED_TOKEN("unsupported_token", 5),
    ALGORITHM_NOT_ALLOWED("algorithm_not_allowed", 6),
    KEY_NOT_FOUND("key_not_found", 7),
    INVALID_SIGNATURE("invalid_signature", 8),
    INVALID_CLAIM("invalid_claim", 9),
    MISSING_CLAIM("missing_claim", 10),
    TOKEN_EXPIRED("token_expired", 11),
    TOKEN_NOT_YET_VALID("token_not_yet_valid", 12),
    INVALID_ISSUER("invalid_issuer", 13),
    INVALID_AUDIENCE("invalid_audience", 14),
    INVALID_TOKEN_TYPE("invalid_token_type", 15),
    INSUFFICIENT_SCOPE("insufficient_scope", 16),
    CALLER_NOT_ALLOWED("caller_not_allowed", 17),
    KEY_SOURCE_UNAVAILABLE("key_source_unavailable", 18),
    TOKEN_ENDPOINT_ERROR("token_endpoint_error", 19),
    INVALID_CONFIG("invalid_config", 20),
    /** A required argument was missing (e.g. a closed Validator). */
    NULL_ARGUMENT("null_argument", 1000),
    /** Text that must be UTF-8 was not. */
    INVALID_UTF8("invalid_utf8", 1001),
    /** A bug inside the library, caught at the boundary. */
    PANIC("panic", 1002),
    /** A catalogue code newer than this binding ({@link MeshAuthException#code()} names it). */
    UNKNOWN("unknown_error", 1003);

    private final String code;
    private final int number;

    ErrorCode(String code, int number) {
        this.code = code;
        this.number = number;
    }

    /** The stable snake_case code, e.g. {@code "token_expired"}. */
    public String code() {
        return code;
    }

    /** The stable number (the C ABI's {@code meshauth_result}). */
    public int number() {
        return number;
    }

    /** The constant for a code string; {@link #UNKNOWN} for a code newer than this binding. */
    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) if (c.code.equals(code)) return c;
        return UNKNOWN;
    }
}
