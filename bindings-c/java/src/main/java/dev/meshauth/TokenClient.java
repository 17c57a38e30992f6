package dev.meshauth;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Obtains tokens for outgoing calls from one authorization server, as one OAuth client: this service's own
 * token (client credentials, cached and refreshed by the core) and user tokens exchanged for a third party (jwt-bearer, token exchange).
 * Thread-safe: create one per service and share it. Network calls block the calling thread
 * (bounded by {@code http_timeout_ms}). {@link #close()} is idempotent; a {@link Cleaner} releases
 * the native client if a TokenClient is dropped unclosed.
 *
 * <p>A refusal by the authorization server throws {@link MeshAuthException} with code
 * {@code token_endpoint_error} and the server's {@link MeshAuthException#oauthError()}
 * ({@code invalid_client}, {@code invalid_target}, {@code invalid_grant}, ...).
 *
 * <pre>{@code
 * try (TokenClient tokens = new TokenClient(Map.of("issuer", issuer, "client_id", "orders",
 *                                                  "client_secret", secret))) {
 *     AccessToken t = tokens.clientCredentials(TokenRequest.builder().audience("inventory").build());
 *     request.header("Authorization", t.authorizationHeader());
 * }
 * }</pre>
 */
public final class TokenClient implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The native object and its lock, reachable from the Cleaner without the TokenClient. */
    private static final class Handle implements Runnable {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        Pointer ptr;

        Handle(Pointer ptr) {
            this.ptr = ptr;
        }

        @Override
        public void run() {
            lock.writeLock().lock();
            try {
                if (ptr != null) {
                    Native.LIB.meshauth_token_client_free(ptr);
                    ptr = null;
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /**
     * Build from the JSON configuration: {@code issuer} (discovery finds the token endpoint) or
     * {@code token_endpoint}, {@code client_id}, {@code client_secret} or {@code private_key_pem},
     * optional {@code client_auth}, default {@code scope}/{@code audience}/{@code resource},
     * {@code http_timeout_ms}. Invalid: {@code invalid_config}. No network I/O.
     */
    public TokenClient(String configJson) {
        byte[] cfg = Native.utf8(configJson);
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int r = Native.LIB.meshauth_token_client_new(cfg, Native.len(cfg), out, err);
        if (r != 0) throw Validator.error(r, err);
        this.handle = new Handle(out.getValue());
        this.cleanable = CLEANER.register(this, handle);
    }

    /** Build from a configuration map (written as JSON). */
    public TokenClient(Map<String, ?> config) {
        this(Json.write(config));
    }

    private interface Call {
        int run(Pointer c, PointerByReference out, PointerByReference err);
    }

    /** Run one call; null when it answered OK without a token (the cached call's "fetch needed"). */
    private AccessToken call(Call call) {
        handle.lock.readLock().lock();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            int r = call.run(handle.ptr, out, err);
            if (r != 0) throw Validator.error(r, err);
            Pointer t = out.getValue();
            if (t == null) return null;
            try {
                return new AccessToken(Native.take(Native.LIB.meshauth_access_token_json(t)),
                        Native.take(Native.LIB.meshauth_access_token_authorization_header(t)));
            } finally {
                Native.LIB.meshauth_access_token_free(t);
            }
        } finally {
            handle.lock.readLock().unlock();
        }
    }

    /** This service's own token (RFC 6749 section 4.4), from the cache while it is fresh. */
    public AccessToken clientCredentials(TokenRequest request) {
        byte[] q = Native.utf8(request.toJson());
        return call((c, out, err) -> Native.LIB.meshauth_token_client_client_credentials(c, q, Native.len(q), out, err));
    }

    /** {@link #clientCredentials(TokenRequest)} with the client's defaults. */
    public AccessToken clientCredentials() {
        return clientCredentials(TokenRequest.DEFAULTS);
    }

    /** The cached own token without any network I/O; empty when it must be fetched. */
    public Optional<AccessToken> clientCredentialsCached(TokenRequest request) {
        byte[] q = Native.utf8(request.toJson());
        return Optional.ofNullable(call((c, out, err) ->
                Native.LIB.meshauth_token_client_client_credentials_cached(c, q, Native.len(q), out, err)));
    }

    /**
     * RFC 7523 section 2.1: exchange the user JWT {@code assertion} for a token meant for
     * {@code request}'s audience, typically a third party that must never get the internal token.
     */
    public AccessToken jwtBearer(String assertion, TokenRequest request) {
        byte[] a = Native.utf8(assertion);
        byte[] q = Native.utf8(request.toJson());
        return call((c, out, err) -> Native.LIB.meshauth_token_client_jwt_bearer(c, a, Native.len(a), q, Native.len(q),
                out, err));
    }

    /** RFC 8693 token exchange of {@code subjectToken} for a token meant for {@code request}'s audience. */
    public AccessToken tokenExchange(String subjectToken, TokenRequest request) {
        byte[] s = Native.utf8(subjectToken);
        byte[] q = Native.utf8(request.toJson());
        return call((c, out, err) -> Native.LIB.meshauth_token_client_token_exchange(c, s, Native.len(s), q,
                Native.len(q), out, err));
    }

    /** Release the native client. Idempotent; later calls fail with {@code null_argument}. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
