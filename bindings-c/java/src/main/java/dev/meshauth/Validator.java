package dev.meshauth;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Validates access tokens with one configuration. Thread-safe: create one
 * per service and share it. {@link #close()} releases the native validator (idempotent, waits for
 * calls in flight); a {@link Cleaner} releases it if a Validator is dropped unclosed.
 *
 * <pre>{@code
 * try (Validator v = new Validator(Map.of("issuer", "https://issuer.example",
 *                                         "audience", "orders", "discovery", true))) {
 *     Principal p = v.authenticate(request.getHeader("Authorization"), request.getHeader("Cookie"));
 * } catch (MeshAuthException e) {
 *     response.setStatus(e.status());  // plus e.wwwAuthenticate()
 * }
 * }</pre>
 */
public final class Validator implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The native object and its lock, reachable from the Cleaner without the Validator. */
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
                    Native.LIB.meshauth_validator_free(ptr);
                    ptr = null;
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** Build from the JSON configuration text. Invalid configuration: {@code invalid_config}. */
    public Validator(String configJson) {
        byte[] cfg = Native.utf8(configJson);
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int r = Native.LIB.meshauth_validator_new(cfg, Native.len(cfg), out, err);
        if (r != 0) throw error(r, err);
        this.handle = new Handle(out.getValue());
        this.cleanable = CLEANER.register(this, handle);
    }

    /** Build from a configuration map (written as JSON; nested maps and lists allowed). */
    public Validator(Map<String, ?> config) {
        this(Json.write(config));
    }

    static MeshAuthException error(int result, PointerByReference err) {
        Pointer e = err.getValue();
        if (e == null) {
            String code = Native.LIB.meshauth_result_name(result);
            return new MeshAuthException(code == null ? "unknown_error" : code, result, "no error details", 0, null, null);
        }
        try {
            return MeshAuthException.fromJson(Native.take(Native.LIB.meshauth_error_json(e)));
        } finally {
            Native.LIB.meshauth_error_free(e);
        }
    }

    static Principal principal(Pointer p) {
        try {
            String json = Native.take(Native.LIB.meshauth_principal_json(p));
            return new Principal(json, Native.LIB.meshauth_principal_claims_json(p).value());
        } finally {
            Native.LIB.meshauth_principal_free(p);
        }
    }

    private interface Call {
        int run(Pointer v, PointerByReference out, PointerByReference err);
    }

    private Principal call(Call call) {
        handle.lock.readLock().lock();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            int r = call.run(handle.ptr, out, err);
            if (r != 0) throw error(r, err);
            return principal(out.getValue());
        } finally {
            handle.lock.readLock().unlock();
        }
    }

    /** Validate a compact JWS against the current clock. */
    public Principal validate(String token) {
        return validateAt(token, 0);
    }

    /** Validate with an explicit clock ({@code now}: seconds since the epoch; 0 = current time). */
    public Principal validateAt(String token, long now) {
        byte[] t = Native.utf8(token);
        return call((v, out, err) -> Native.LIB.meshauth_validator_validate(v, t, Native.len(t), now, out, err));
    }

    /**
     * Authenticate a request from its {@code Authorization} and {@code Cookie} header values (null:
     * absent), against the current clock.
     */
    public Principal authenticate(String authorization, String cookieHeader) {
        return authenticateAt(authorization, cookieHeader, 0);
    }

    /** {@link #authenticate(String, String)} with an explicit clock (0 = current time). */
    public Principal authenticateAt(String authorization, String cookieHeader, long now) {
        byte[] a = authorization == null ? null : Native.utf8(authorization);
        byte[] c = cookieHeader == null ? null : Native.utf8(cookieHeader);
        return call((v, out, err) -> Native.LIB.meshauth_validator_authenticate_header(
                v, a, Native.len(a), c, Native.len(c), now, out, err));
    }

    /**
     * Authenticate a whole request: every header as a (name, value) pair in arrival order, and the
     * cookies when the server already parsed them (null: the core parses the Cookie headers).
     */
    public Principal authenticate(List<Map.Entry<String, String>> headers, List<Map.Entry<String, String>> cookies,
            long now) {
        java.util.Map<String, Object> req = new java.util.LinkedHashMap<>();
        req.put("headers", headers.stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
        req.put("cookies", cookies == null ? null : cookies.stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
        return authenticateJson(Json.write(req), now);
    }

    /** Authenticate the core's request JSON {@code {"headers":[[n,v],...],"cookies":[[n,v],...]|null}}. */
    public Principal authenticateJson(String requestJson, long now) {
        byte[] r = Native.utf8(requestJson);
        return call((v, out, err) -> Native.LIB.meshauth_validator_authenticate(v, r, Native.len(r), now, out, err));
    }

    /** Fetch every remote key set now (warm-up); a no-op for inline keys. */
    public void refresh() {
        handle.lock.readLock().lock();
        try {
            PointerByReference err = new PointerByReference();
            int r = Native.LIB.meshauth_validator_refresh(handle.ptr, err);
            if (r != 0) throw error(r, err);
        } finally {
            handle.lock.readLock().unlock();
        }
    }

    /** Release the native validator. Idempotent; later calls fail with {@code null_argument}. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The library version, e.g. {@code "0.1.0"}. */
    public static String version() {
        return Native.LIB.meshauth_version();
    }

    /** The core's whole error catalogue as JSON ({@code [{"code","number","status","description"}, ...]}). */
    public static String errorCodesJson() {
        return Native.LIB.meshauth_error_codes();
    }
}
