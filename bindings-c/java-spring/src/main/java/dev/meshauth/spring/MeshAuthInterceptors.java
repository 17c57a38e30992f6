package dev.meshauth.spring;

import dev.meshauth.Principal;
import dev.meshauth.TokenClient;
import dev.meshauth.TokenRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * {@link ClientHttpRequestInterceptor}s for {@code RestClient} (and {@code RestTemplate}) that set
 * the {@code Authorization} header of outgoing calls:
 *
 * <pre>{@code
 * RestClient inventory = RestClient.builder().baseUrl(inventoryUrl)
 *         .requestInterceptor(MeshAuthInterceptors.serviceToken(tokens, TokenRequest.builder().audience("inventory").build()))
 *         .build();
 * RestClient billing = RestClient.builder().baseUrl(billingUrl)
 *         .requestInterceptor(MeshAuthInterceptors.forwardCaller())
 *         .build();
 * }</pre>
 */
public final class MeshAuthInterceptors {
    private MeshAuthInterceptors() {
    }

    /**
     * The service's own token (client credentials for {@code request}; cached and refreshed by the
     * core, so most calls cost no network). A refusal by the authorization server throws the
     * {@code token_endpoint_error} {@code MeshAuthException} before the call is made.
     */
    public static ClientHttpRequestInterceptor serviceToken(TokenClient tokens, TokenRequest request) {
        return (req, body, execution) -> {
            req.getHeaders().set(HttpHeaders.AUTHORIZATION, tokens.clientCredentials(request).authorizationHeader());
            return execution.execute(req, body);
        };
    }

    /**
     * The current caller's own token, for a first-party service that accepts it (the token is sent
     * as received). Outside a meshauth-authenticated request it throws {@link IllegalStateException}.
     */
    public static ClientHttpRequestInterceptor forwardCaller() {
        return (req, body, execution) -> {
            req.getHeaders().set(HttpHeaders.AUTHORIZATION, caller().authorizationHeader());
            return execution.execute(req, body);
        };
    }

    /**
     * The current caller's token exchanged (jwt-bearer grant, RFC 7523) for one meant for a third
     * party ({@code request}'s audience and scopes).
     */
    public static ClientHttpRequestInterceptor exchangeCaller(TokenClient tokens, TokenRequest request) {
        return (req, body, execution) -> {
            req.getHeaders().set(HttpHeaders.AUTHORIZATION, tokens.jwtBearer(caller().token(), request).authorizationHeader());
            return execution.execute(req, body);
        };
    }

    /** The meshauth Principal of the request this thread serves. */
    public static Principal caller() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Principal p) return p;
        throw new IllegalStateException("no meshauth caller: this thread is not serving a request authenticated by meshauth");
    }
}
