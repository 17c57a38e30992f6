package dev.meshauth.spring;

import dev.meshauth.MeshAuthException;
import dev.meshauth.Principal;
import dev.meshauth.servlet.HttpAnswer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ExpressionAuthorizationDecision;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;

/**
 * Answers a meshauth caller that Spring's authorization refused for want of a {@code SCOPE_}
 * authority with the core's {@code insufficient_scope} answer: 403 and the challenge listing the
 * scopes ({@code Bearer error="insufficient_scope", ..., scope="orders:write"}).
 *
 * <p>The scopes are those the refused rule names: the authorities of {@code hasAuthority} /
 * {@code hasAnyAuthority} in {@code authorizeHttpRequests}, or the {@code SCOPE_...} literals of a
 * {@code @PreAuthorize} expression; the core then checks them on the Principal
 * ({@link Principal#requireScopes}), so the answer is the one every meshauth binding gives.
 * ({@code hasAnyAuthority} lists every alternative.) A refusal that names no scope the caller lacks
 * (a role, a custom rule) is Spring's plain 403.
 */
public final class MeshAuthAccessDeniedHandler implements AccessDeniedHandler {
    private static final Pattern SCOPE_LITERAL = Pattern.compile("SCOPE_([^'\"\\s,)]+)");
    private final AccessDeniedHandler fallback = new AccessDeniedHandlerImpl();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException, ServletException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof MeshAuthAuthentication m) {
            Set<String> scopes = requiredScopes(denied);
            if (!scopes.isEmpty()) {
                try {
                    m.getPrincipal().requireScopes(scopes.toArray(String[]::new));
                } catch (MeshAuthException e) {
                    HttpAnswer.of(e).write(response);
                    return;
                }
            }
        }
        fallback.handle(request, response, denied);
    }

    /** The scopes the refused authorization rule asked for, in order. */
    static Set<String> requiredScopes(AccessDeniedException denied) {
        Set<String> scopes = new LinkedHashSet<>();
        if (!(denied instanceof AuthorizationDeniedException d)) return scopes;
        AuthorizationResult result = d.getAuthorizationResult();
        if (result instanceof AuthorityAuthorizationDecision a) {
            for (GrantedAuthority g : a.getAuthorities()) {
                String name = g.getAuthority();
                if (name != null && name.startsWith("SCOPE_")) scopes.add(name.substring("SCOPE_".length()));
            }
        } else if (result instanceof ExpressionAuthorizationDecision e) {
            Matcher m = SCOPE_LITERAL.matcher(e.getExpression().getExpressionString());
            while (m.find()) scopes.add(m.group(1));
        }
        return scopes;
    }
}
