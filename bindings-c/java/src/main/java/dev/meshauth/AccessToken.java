package dev.meshauth;

import java.util.Map;

/** A token obtained from the authorization server. Immutable. It is a credential: never log it. */
public final class AccessToken {
    private final String accessToken;
    private final String tokenType;
    private final Long expiresAt;
    private final String scope;
    private final String issuedTokenType;
    private final String authorizationHeader;

    AccessToken(String json, String authorizationHeader) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(json);
        this.accessToken = (String) m.get("access_token");
        this.tokenType = (String) m.get("token_type");
        this.expiresAt = m.get("expires_at") == null ? null : ((Number) m.get("expires_at")).longValue();
        this.scope = (String) m.get("scope");
        this.issuedTokenType = (String) m.get("issued_token_type");
        this.authorizationHeader = authorizationHeader;
    }

    /** The access token itself (the credential to send). */
    public String accessToken() { return accessToken; }

    /** The token type the server stated, e.g. {@code "Bearer"}. */
    public String tokenType() { return tokenType; }

    /** When it expires (seconds since the epoch), or null when the server did not say. */
    public Long expiresAt() { return expiresAt; }

    /** The granted scope (space-separated), or null. */
    public String scope() { return scope; }

    /** Token exchange: the issued token's type; null for the other grants. */
    public String issuedTokenType() { return issuedTokenType; }

    /** The {@code Authorization} header value for an outgoing call ({@code "Bearer <token>"}). */
    public String authorizationHeader() { return authorizationHeader; }

    /** Never shows the credential. */
    @Override
    public String toString() {
        return "AccessToken{tokenType=" + tokenType + ", expiresAt=" + expiresAt + ", scope=" + scope
                + ", accessToken=<redacted>}";
    }
}
