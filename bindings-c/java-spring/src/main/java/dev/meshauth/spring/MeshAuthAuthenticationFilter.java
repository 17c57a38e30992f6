package dev.meshauth.spring;

import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.servlet.HttpAnswer;
import dev.meshauth.servlet.MeshAuthFilter;
import dev.meshauth.servlet.RequestAuthenticator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates each request with meshauth inside Spring Security's filter chain (added by
 * {@link MeshAuthConfigurer}).
 *
 * <ul>
 *   <li>A valid token: the security context holds a {@link MeshAuthAuthentication}.
 *   <li>No credentials at all, where no {@code meshauth.paths} rule applies: the request continues
 *       anonymously, so {@code permitAll()} routes work and Spring's authorization decides; if it
 *       requires authentication, {@link MeshAuthEntryPoint} answers the core's {@code no_credentials}.
 *   <li>Any other refusal (a bad token, ambiguous credentials, a path rule's scope or caller check):
 *       the core's HTTP answer at once ({@link HttpAnswer}).
 * </ul>
 */
public final class MeshAuthAuthenticationFilter extends OncePerRequestFilter {
    /** The request attribute holding the core's refusal of an anonymous request. */
    public static final String REFUSAL_ATTRIBUTE = "dev.meshauth.refusal";

    private final RequestAuthenticator authenticator;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public MeshAuthAuthenticationFilter(RequestAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Principal principal;
        try {
            principal = authenticator.authenticate(request);
        } catch (MeshAuthException e) {
            if (authenticator.passesAnonymously(request, e)) {
                request.setAttribute(REFUSAL_ATTRIBUTE, e);
                chain.doFilter(request, response);
            } else {
                contexts.clearContext();
                HttpAnswer.of(e).write(response);
            }
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new MeshAuthAuthentication(principal));
        contexts.setContext(context);
        request.setAttribute(MeshAuthFilter.PRINCIPAL_ATTRIBUTE, principal);
        chain.doFilter(request, response);
    }
}
