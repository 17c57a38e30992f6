package dev.meshauth.spring;

import dev.meshauth.MeshAuthException;
import dev.meshauth.servlet.HttpAnswer;
import dev.meshauth.servlet.RequestAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers an anonymous request that Spring's authorization requires to authenticate: the core's
 * refusal of that request ({@code no_credentials}: 401, {@code WWW-Authenticate: Bearer}), as the
 * filter recorded it; otherwise the core's answer to a request without credentials.
 */
public final class MeshAuthEntryPoint implements AuthenticationEntryPoint {
    private final RequestAuthenticator authenticator;

    public MeshAuthEntryPoint(RequestAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException authException)
            throws IOException {
        Object refusal = request.getAttribute(MeshAuthAuthenticationFilter.REFUSAL_ATTRIBUTE);
        if (!(refusal instanceof MeshAuthException)) refusal = noCredentials();
        HttpAnswer.of((Throwable) refusal).write(response);
    }

    /** The core's own error for a request that carries no credentials. */
    private Throwable noCredentials() {
        try {
            authenticator.validator().authenticate(List.of(), null, 0);
            return new IllegalStateException("meshauth accepted a request without credentials");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
