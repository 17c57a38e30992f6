package dev.meshauth.spring;

import dev.meshauth.servlet.RequestAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Makes meshauth the authentication of a Spring Security filter chain: the
 * {@link MeshAuthAuthenticationFilter}, the core's answers for unauthenticated and refused requests
 * ({@link MeshAuthEntryPoint}, {@link MeshAuthAccessDeniedHandler}), no HTTP session, and no CSRF
 * check for requests that carry a {@code Bearer} header (as Spring's own resource server does; a
 * token in a cookie is an ambient credential and keeps the CSRF check).
 *
 * <p>The starter applies it to every {@link HttpSecurity} when {@code meshauth.validator} is
 * configured (Spring Security's default configurers, {@code META-INF/spring.factories}), so an
 * application's own {@code SecurityFilterChain} needs nothing meshauth-specific. It does nothing
 * when the application context has no {@link RequestAuthenticator}.
 */
public class MeshAuthConfigurer extends AbstractHttpConfigurer<MeshAuthConfigurer, HttpSecurity> {
    private static final RequestMatcher BEARER_HEADER = MeshAuthConfigurer::hasBearerHeader;

    private RequestAuthenticator authenticator;

    public MeshAuthConfigurer() {
    }

    private RequestAuthenticator authenticator(HttpSecurity http) {
        if (authenticator == null) {
            ApplicationContext ctx = http.getSharedObject(ApplicationContext.class);
            if (ctx != null) authenticator = ctx.getBeanProvider(RequestAuthenticator.class).getIfAvailable();
        }
        return authenticator;
    }

    @Override
    public void init(HttpSecurity http) throws Exception {
        RequestAuthenticator a = authenticator(http);
        if (a == null) return;
        http.exceptionHandling(e -> e.authenticationEntryPoint(new MeshAuthEntryPoint(a))
                .accessDeniedHandler(new MeshAuthAccessDeniedHandler()));
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(c -> c.ignoringRequestMatchers(BEARER_HEADER));
    }

    @Override
    public void configure(HttpSecurity http) {
        RequestAuthenticator a = authenticator(http);
        if (a == null) return;
        http.addFilterBefore(new MeshAuthAuthenticationFilter(a), BasicAuthenticationFilter.class);
    }

    private static boolean hasBearerHeader(HttpServletRequest request) {
        var values = request.getHeaders("Authorization");
        while (values != null && values.hasMoreElements()) {
            String v = values.nextElement();
            if (v != null && v.regionMatches(true, 0, "Bearer ", 0, 7)) return true;
        }
        return false;
    }
}
