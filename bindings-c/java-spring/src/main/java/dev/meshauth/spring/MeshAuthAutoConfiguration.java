package dev.meshauth.spring;

import dev.meshauth.TokenClient;
import dev.meshauth.Validator;
import dev.meshauth.servlet.RequestAuthenticator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * meshauth for Spring Boot, from {@code meshauth.*} (see {@link MeshAuthProperties}).
 *
 * <ul>
 *   <li>{@code meshauth.validator} set: a {@link RequestAuthenticator} (with {@code meshauth.paths}
 *       rules) and its {@link Validator} as beans; every Spring Security filter chain authenticates
 *       with it ({@link MeshAuthConfigurer}); without a {@code SecurityFilterChain} of the
 *       application's, one requiring authentication for every request.
 *   <li>{@code meshauth.token-client} set: a {@link TokenClient} bean for outgoing calls
 *       ({@link MeshAuthInterceptors}).
 * </ul>
 *
 * An invalid configuration fails the application's startup with the core's {@code invalid_config}.
 */
@AutoConfiguration(before = SecurityAutoConfiguration.class)
public class MeshAuthAutoConfiguration {
    static final String VALIDATOR = "meshauth.validator";
    static final String PATHS = "meshauth.paths";
    static final String TOKEN_CLIENT = "meshauth.token-client";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(OnValidatorConfig.class)
    public RequestAuthenticator meshauthRequestAuthenticator(Environment env) {
        RequestAuthenticator.Builder b = RequestAuthenticator.builder(MeshAuthProperties.object(env, VALIDATOR))
                // Spring's authorization decides what anonymous requests may reach.
                .optional(true);
        int i = 0;
        for (Object rule : MeshAuthProperties.list(env, PATHS)) {
            if (!(rule instanceof Map<?, ?> m) || !(m.get("pattern") instanceof String pattern)) {
                throw new IllegalArgumentException(PATHS + "[" + i + "] needs a 'pattern'");
            }
            Map<String, Object> overrides = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!"pattern".equals(k)) overrides.put((String) k, v);
            });
            b.path(pattern, overrides);
            i++;
        }
        return b.build();
    }

    /** The application's validator (closed with its {@link RequestAuthenticator}). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    @Conditional(OnValidatorConfig.class)
    public Validator meshauthValidator(RequestAuthenticator authenticator) {
        return authenticator.validator();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(OnTokenClientConfig.class)
    public TokenClient meshauthTokenClient(Environment env) {
        return new TokenClient(MeshAuthProperties.object(env, TOKEN_CLIENT));
    }

    /** Without a filter chain of the application's: every request must authenticate with meshauth. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @Conditional(OnValidatorConfig.class)
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    static class DefaultChain {
        @Bean
        SecurityFilterChain meshauthSecurityFilterChain(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated());
            return http.build();
        }
    }

    static final class OnValidatorConfig extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return MeshAuthProperties.object(context.getEnvironment(), VALIDATOR).isEmpty()
                    ? ConditionOutcome.noMatch(VALIDATOR + " is not set")
                    : ConditionOutcome.match(VALIDATOR + " is set");
        }
    }

    static final class OnTokenClientConfig extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return MeshAuthProperties.object(context.getEnvironment(), TOKEN_CLIENT).isEmpty()
                    ? ConditionOutcome.noMatch(TOKEN_CLIENT + " is not set")
                    : ConditionOutcome.match(TOKEN_CLIENT + " is set");
        }
    }
}
