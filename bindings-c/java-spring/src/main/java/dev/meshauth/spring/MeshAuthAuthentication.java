package dev.meshauth.spring;

import dev.meshauth.Principal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request authenticated by meshauth. {@link #getPrincipal()} is the {@link Principal} (what
 * {@code @AuthenticationPrincipal Principal caller} receives); the authorities are
 * {@code SCOPE_<scope>} for each of its scopes, as Spring Security's resource server names them, so
 * {@code hasAuthority('SCOPE_orders:read')} works unchanged. The token is not exposed as credentials
 * ({@link Principal#token()} holds it for forwarding).
 */
public final class MeshAuthAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final transient Principal principal;

    public MeshAuthAuthentication(Principal principal) {
        super(authorities(principal));
        this.principal = principal;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Principal principal) {
        return principal.scopes().stream().<GrantedAuthority>map(s -> new SimpleGrantedAuthority("SCOPE_" + s)).toList();
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return principal.getName();
    }
}
