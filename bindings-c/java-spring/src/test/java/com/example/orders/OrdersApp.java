package com.example.orders;

import dev.meshauth.spring.MeshAuthExchangeFilters;
import dev.meshauth.spring.MeshAuthInterceptors;

import dev.meshauth.Principal;
import dev.meshauth.TokenClient;
import dev.meshauth.TokenRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** A service written with the standard Spring Security idioms only; meshauth comes from the starter. */
@SpringBootApplication
@EnableMethodSecurity
public class OrdersApp {
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                .requestMatchers("/public").permitAll()
                .requestMatchers(HttpMethod.DELETE, "/orders/**").hasAuthority("SCOPE_orders:admin")
                .anyRequest().authenticated());
        return http.build();
    }

    @Bean
    RestClient inventory(TokenClient tokens, @Value("${inventory.url}") String url) {
        return RestClient.builder().baseUrl(url)
                .requestInterceptor(MeshAuthInterceptors.serviceToken(tokens,
                        TokenRequest.builder().audience("inventory").scope("inventory:read").build()))
                .build();
    }

    @Bean
    RestClient firstParty(@Value("${inventory.url}") String url) {
        return RestClient.builder().baseUrl(url).requestInterceptor(MeshAuthInterceptors.forwardCaller()).build();
    }

    @Bean
    WebClient reactiveInventory(TokenClient tokens, @Value("${inventory.url}") String url) {
        return WebClient.builder().baseUrl(url)
                .filter(MeshAuthExchangeFilters.serviceToken(tokens,
                        TokenRequest.builder().audience("inventory").scope("inventory:read").build()))
                .build();
    }

    @Bean
    WebClient reactiveFirstParty(@Value("${inventory.url}") String url) {
        return WebClient.builder().baseUrl(url).filter(MeshAuthExchangeFilters.forwardCaller()).build();
    }

    @RestController
    static class Orders {
        private final RestClient inventory;
        private final RestClient firstParty;
        private final WebClient reactiveInventory;
        private final WebClient reactiveFirstParty;

        Orders(@Qualifier("inventory") RestClient inventory, @Qualifier("firstParty") RestClient firstParty,
                @Qualifier("reactiveInventory") WebClient reactiveInventory,
                @Qualifier("reactiveFirstParty") WebClient reactiveFirstParty) {
            this.inventory = inventory;
            this.firstParty = firstParty;
            this.reactiveInventory = reactiveInventory;
            this.reactiveFirstParty = reactiveFirstParty;
        }

        @GetMapping("/orders/stock-reactive")
        String stockReactive() {
            return reactiveInventory.get().uri("/items").retrieve().bodyToMono(String.class).block();
        }

        @GetMapping("/orders/forwarded-reactive")
        String forwardedReactive() {
            return reactiveFirstParty.get().uri("/items").retrieve().bodyToMono(String.class).block();
        }

        @GetMapping("/orders")
        String list(@AuthenticationPrincipal Principal caller) {
            return "orders of " + caller.subject() + " " + caller.scopes();
        }

        @PostMapping("/orders")
        @PreAuthorize("hasAuthority('SCOPE_orders:write')")
        String create(@AuthenticationPrincipal Principal caller) {
            return "created by " + caller.subject();
        }

        @DeleteMapping("/orders/{id}")
        String delete(@PathVariable("id") String id) {
            return "deleted " + id;
        }

        @GetMapping("/public")
        String open() {
            return "public";
        }

        @GetMapping("/admin/reindex")
        String reindex(@AuthenticationPrincipal Principal caller) {
            return "reindexed for " + caller.clientId();
        }

        @GetMapping("/orders/stock")
        String stock() {
            return inventory.get().uri("/items").retrieve().body(String.class);
        }

        @GetMapping("/orders/forwarded")
        String forwarded() {
            return firstParty.get().uri("/items").retrieve().body(String.class);
        }
    }
}
