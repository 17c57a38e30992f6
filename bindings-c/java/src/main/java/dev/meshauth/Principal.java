package dev.meshauth;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The authenticated caller. Immutable. It is a
 * {@link java.security.Principal} (its {@link #getName()} is the subject, else the client id), so a
 * Servlet container's {@code request.getUserPrincipal()} can return it.
 */
public final class Principal implements java.security.Principal {
    private final String subject;
    private final String issuer;
    private final List<String> audiences;
    private final long expiresAt;
    private final Long issuedAt;
    private final Long notBefore;
    private final String jwtId;
    private final String clientId;
    private final List<String> scopes;
    private final List<String> roles;
    private final boolean isClient;
    private final String claimsJson;
    private final String token;
    private final String json;

    Principal(String json, String claimsJson) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(json);
        this.json = json;
        this.subject = (String) m.get("subject");
        this.issuer = (String) m.get("issuer");
        this.audiences = Json.strings(m.get("audiences"));
        this.expiresAt = ((Number) m.get("expires_at")).longValue();
        this.issuedAt = m.get("issued_at") == null ? null : ((Number) m.get("issued_at")).longValue();
        this.notBefore = m.get("not_before") == null ? null : ((Number) m.get("not_before")).longValue();
        this.jwtId = (String) m.get("jwt_id");
        this.clientId = (String) m.get("client_id");
        this.scopes = Json.strings(m.get("scopes"));
        this.roles = Json.strings(m.get("roles"));
        this.isClient = Boolean.TRUE.equals(m.get("is_client"));
        this.claimsJson = claimsJson;
        this.token = (String) m.get("token");
    }

    /** {@code sub}, or null. */
    public String subject() { return subject; }

    /** {@code iss}. */
    public String issuer() { return issuer; }

    /** {@code aud} as a list. */
    public List<String> audiences() { return audiences; }

    /** {@code exp}, whole seconds since the epoch. */
    public long expiresAt() { return expiresAt; }

    /** {@code iat}, whole seconds, or null. */
    public Long issuedAt() { return issuedAt; }

    /** {@code nbf}, whole seconds, or null. */
    public Long notBefore() { return notBefore; }

    /** {@code jti}, or null. */
    public String jwtId() { return jwtId; }

    /** {@code client_id}, else {@code azp}, or null. */
    public String clientId() { return clientId; }

    /** {@code scope} (space-separated) or {@code scp} (array). */
    public List<String> scopes() { return scopes; }

    /** Values at the configured roles claim. */
    public List<String> roles() { return roles; }

    /** True for a service's own client-credentials token rather than a user's. */
    public boolean isClient() { return isClient; }

    /** The token's payload exactly as signed (JSON text). */
    public String claimsJson() { return claimsJson; }

    /** The claims parsed (integers exact as BigInteger). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> claims() { return (Map<String, Object>) Json.parse(claimsJson); }

    /** The raw compact token, for forwarding to first-party services. */
    public String token() { return token; }

    /**
     * The {@code Authorization} header value that forwards this caller's own token to a trusted
     * first-party service ({@code "Bearer <token>"}, the core's format). Never send it to a third
     * party: exchange the token with {@link TokenClient#jwtBearer} or {@link TokenClient#tokenExchange}.
     */
    public String authorizationHeader() { return "Bearer " + token; }

    /** Whether the Principal carries {@code scope}. */
    public boolean hasScope(String scope) { return scopes.contains(scope); }

    /**
     * Returns normally when the Principal carries every one of {@code scopes} (none: nothing is
     * required); otherwise throws {@link MeshAuthException} {@code insufficient_scope}: status 403
     * and a {@link MeshAuthException#wwwAuthenticate()} challenge that lists all of {@code scopes}
     * ({@code Bearer error="insufficient_scope", ..., scope="a b"}). For per-route requirements; a
     * validator's {@code required_scopes} applies the same rule to every request.
     *
     * <p>The decision is the core's, as in every binding ({@code meshauth_principal_require_scopes}
     * on this Principal). A null scope is {@code invalid_config}.
     *
     * @throws MeshAuthException {@code insufficient_scope}, or {@code invalid_config} for a null scope
     */
    public void requireScopes(String... scopes) {
        byte[] list = Native.utf8(Json.write(Arrays.asList(scopes == null ? new String[0] : scopes)));
        onCore((p, err) -> Native.LIB.meshauth_principal_require_scopes(p, list, Native.len(list), err));
    }

    /**
     * Returns normally when the calling client ({@code client_id}, else {@code azp}, else
     * {@code sub}) is one of {@code clients}; otherwise throws {@link MeshAuthException}
     * {@code caller_not_allowed} (status 403). The decision is the core's, the same as a validator's
     * {@code allowed_clients} ({@code meshauth_principal_require_clients}), for per-route
     * requirements. A null client is {@code invalid_config}.
     *
     * @throws MeshAuthException {@code caller_not_allowed}, or {@code invalid_config} for a null client
     */
    public void requireClients(String... clients) {
        byte[] list = Native.utf8(Json.write(Arrays.asList(clients == null ? new String[0] : clients)));
        onCore((p, err) -> Native.LIB.meshauth_principal_require_clients(p, list, Native.len(list), err));
    }

    private interface CoreCall {
        int call(Pointer p, PointerByReference err);
    }

    /** Run {@code call} on the core's copy of this Principal; a failure throws its error. */
    private void onCore(CoreCall call) {
        byte[] self = Native.utf8(json);
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int r = Native.LIB.meshauth_principal_from_json(self, Native.len(self), out, err);
        if (r != 0) throw Validator.error(r, err);
        Pointer p = out.getValue();
        try {
            err = new PointerByReference();
            r = call.call(p, err);
            if (r != 0) throw Validator.error(r, err);
        } finally {
            Native.LIB.meshauth_principal_free(p);
        }
    }

    /** {@link java.security.Principal}: the subject, else the client id (null when neither is present). */
    @Override
    public String getName() { return subject != null ? subject : clientId; }

    /** The Principal as the JSON object every meshauth binding exchanges. */
    public String toJson() { return json; }

    @Override
    public String toString() {
        return "Principal{subject=" + subject + ", issuer=" + issuer + ", clientId=" + clientId + ", scopes=" + scopes + "}";
    }
}
