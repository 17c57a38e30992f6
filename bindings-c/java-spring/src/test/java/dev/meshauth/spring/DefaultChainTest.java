package dev.meshauth.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.example.minimal.MinimalApp;
import dev.meshauth.testing.DevIssuer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/** Without a SecurityFilterChain of the application's, every request must authenticate with meshauth. */
@SpringBootTest(classes = MinimalApp.class)
@AutoConfigureMockMvc
class DefaultChainTest {
    static DevIssuer dev;

    @Autowired
    MockMvc mvc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        dev = DevIssuer.start();
        registry.add("meshauth.validator.issuer", dev::issuer);
        registry.add("meshauth.token-client.issuer", dev::issuer);
    }

    @AfterAll
    static void stop() {
        if (dev != null) dev.close();
    }

    @Test
    void everyRequestNeedsAMeshauthToken() throws Exception {
        MockHttpServletResponse none = mvc.perform(get("/hello")).andReturn().getResponse();
        assertEquals(401, none.getStatus());
        assertEquals("Bearer", none.getHeader("WWW-Authenticate"));
        assertEquals("{\"error\":\"no_credentials\",\"error_description\":\"no access token in the request\"}",
                none.getContentAsString());
        // Spring Boot's own default (HTTP Basic with a generated password) is not there.
        MockHttpServletResponse basic = mvc.perform(get("/hello").header("Authorization", "Basic dXNlcjpwYXNz"))
                .andReturn().getResponse();
        assertEquals(401, basic.getStatus());
        assertEquals("{\"error\":\"no_credentials\",\"error_description\":\"no access token in the request\"}",
                basic.getContentAsString());

        String t = dev.mint(Map.of("sub", "alice", "aud", "orders"));
        MockHttpServletResponse ok = mvc.perform(get("/hello").header("Authorization", "Bearer " + t)).andReturn().getResponse();
        assertEquals(200, ok.getStatus(), ok.getContentAsString());
        assertEquals("hello alice", ok.getContentAsString());
    }
}
