package dev.meshauth.spring;

import dev.meshauth.TokenClient;
import dev.meshauth.TokenRequest;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link ExchangeFilterFunction}s for {@code WebClient} (needs {@code spring-webflux}) that set the
 * {@code Authorization} header of outgoing calls, as {@link MeshAuthInterceptors} does for
 * {@code RestClient}:
 *
 * <pre>{@code
 * WebClient inventory = WebClient.builder().baseUrl(inventoryUrl)
 *         .filter(MeshAuthExchangeFilters.serviceToken(tokens, TokenRequest.builder().audience("inventory").build()))
 *         .build();
 * }</pre>
 *
 * The token request may block (a fetch from the authorization server when the cached token is
 * missing or near expiry): it runs on Reactor's bounded-elastic scheduler, never on an event loop.
 * {@link #forwardCaller()} reads the caller when the call is subscribed, so subscribe on the
 * request's thread (as {@code block()} or a Spring MVC controller returning the {@code Mono} do).
 */
public final class MeshAuthExchangeFilters {
    private MeshAuthExchangeFilters() {
    }

    /** The service's own token (client credentials for {@code request}; cached by the core). */
    public static ExchangeFilterFunction serviceToken(TokenClient tokens, TokenRequest request) {
        return blocking(() -> tokens.clientCredentials(request).authorizationHeader());
    }

    /** The current caller's own token, for a first-party service. */
    public static ExchangeFilterFunction forwardCaller() {
        return (req, next) -> Mono.fromCallable(() -> MeshAuthInterceptors.caller().authorizationHeader())
                .flatMap(header -> next.exchange(withAuthorization(req, header)));
    }

    /** The current caller's token exchanged (jwt-bearer grant) for a third party. */
    public static ExchangeFilterFunction exchangeCaller(TokenClient tokens, TokenRequest request) {
        return (req, next) -> Mono.fromCallable(() -> MeshAuthInterceptors.caller().token())
                .publishOn(Schedulers.boundedElastic())
                .map(token -> tokens.jwtBearer(token, request).authorizationHeader())
                .flatMap(header -> next.exchange(withAuthorization(req, header)));
    }

    private static ExchangeFilterFunction blocking(Supplier<String> header) {
        return (req, next) -> Mono.fromSupplier(header)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(h -> next.exchange(withAuthorization(req, h)));
    }

    private static ClientRequest withAuthorization(ClientRequest request, String header) {
        return ClientRequest.from(request).headers(h -> h.set(HttpHeaders.AUTHORIZATION, header)).build();
    }
}
