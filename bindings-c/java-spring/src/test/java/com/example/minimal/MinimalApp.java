package com.example.minimal;

import dev.meshauth.Principal;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An application without any security configuration of its own: the starter's chain applies. */
@SpringBootApplication
public class MinimalApp {
    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello(@AuthenticationPrincipal Principal caller) {
            return "hello " + caller.subject();
        }
    }
}
