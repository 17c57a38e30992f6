package dev.meshauth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one token request. Unset fields are left out, so the token client's configured
 * defaults apply; fields that do not apply to a grant are refused by the core
 * ({@code invalid_config}).
 *
 * <pre>{@code
 * TokenRequest req = TokenRequest.builder().audience("partner-api").scope("partner:orders:read").build();
 * }</pre>
 */
public final class TokenRequest {
    /** No parameters: the client's defaults. */
    public static final TokenRequest DEFAULTS = builder().build();

    private final Map<String, Object> fields;

    private TokenRequest(Map<String, Object> fields) {
        this.fields = Map.copyOf(fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The core's request JSON. */
    String toJson() {
        return Json.write(fields);
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>(fields);
        if (shown.containsKey("actor_token")) shown.put("actor_token", "<redacted>");
        return "TokenRequest" + shown;
    }

    /** Builds a {@link TokenRequest}. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {}

        /** The scopes asked for. */
        public Builder scope(String... scopes) {
            fields.put("scope", List.of(scopes));
            return this;
        }

        /** The target service (the token's {@code aud}). */
        public Builder audience(String audience) {
            fields.put("audience", audience);
            return this;
        }

        /** RFC 8707 resource indicators. */
        public Builder resource(String... resources) {
            fields.put("resource", List.of(resources));
            return this;
        }

        /** Token exchange: the subject token's type (default: access token). */
        public Builder subjectTokenType(String type) {
            fields.put("subject_token_type", type);
            return this;
        }

        /** Token exchange: the type of token asked for (default: access token). */
        public Builder requestedTokenType(String type) {
            fields.put("requested_token_type", type);
            return this;
        }

        /** Token exchange: the actor token and its type (null: access token). */
        public Builder actorToken(String token, String type) {
            fields.put("actor_token", token);
            if (type != null) fields.put("actor_token_type", type);
            return this;
        }

        /**
         * jwt-bearer and token exchange: authenticate with a client-credentials token of this client
         * whose audience is the authorization server ({@code Authorization: Bearer}), requested for
         * the purpose, never the token sent to other services. Not an OAuth standard: prefer
         * {@code private_key_jwt}.
         */
        public Builder useClientToken(boolean use) {
            if (use) fields.put("use_client_token", true);
            else fields.remove("use_client_token");
            return this;
        }

        public TokenRequest build() {
            return new TokenRequest(fields);
        }
    }
}
